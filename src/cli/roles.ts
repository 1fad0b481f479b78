// The roles the CLI runs but does not own: the process entry (jobs/main.ts) hands in the worker, so the
// library never imports the job runtime.
import type { Logger } from 'pino';
import type { ReloadStatus } from '../model/reload.js';
import type { Watchbook } from '../model/watchbook.js';

/** What `signpost start` and `signpost worker` pass to the worker role. */
export interface WorkerRoleOptions {
  configPath: string;
  watchbook: Watchbook;
  /** watchbookFingerprint(configPath) taken before `watchbook` was loaded: an edit since is reloaded. */
  loadedFrom?: string;
  redisUrl?: string;
  prefix?: string;
  log?: Logger;
}

/** A running worker: the watchbook it runs now (swapped on reload) and what its last reload found. */
export interface RunningWorkerRole {
  watchbook(): Watchbook;
  reloadStatus(): ReloadStatus;
  stop(): Promise<void>;
}

export interface Roles {
  startWorker(opts: WorkerRoleOptions): Promise<RunningWorkerRole>;
}
