// `signpost web`, and the web role that `signpost start` runs beside the worker.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { formatProblem, watchbookFingerprint, watchWatchbook } from '../config/index.js';
import type { ReloadStatus } from '../model/reload.js';
import type { Watchbook } from '../model/watchbook.js';
import { connectRedis } from '../queue/index.js';
import { authFromEnv, startWeb } from '../web/index.js';
import { loadOrReport } from './load.js';
import { defaultLogger } from './logger.js';
import { runUntilSignal } from './run-until-signal.js';

export const DEFAULT_PORT = 8080;

/** PORT from the environment, else 8080; undefined when it is not a port number. */
export function webPort(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env.PORT ?? String(DEFAULT_PORT);
  const port = Number(text);
  return /^\d+$/.test(text) && port >= 0 && port <= 65_535 ? port : undefined;
}

/** Where the web role takes the running watchbook from, and what the last reload found. */
export interface WatchbookSource {
  watchbook(): Watchbook;
  reloadStatus(): ReloadStatus;
}

/**
 * The web role on PORT, on its own Redis connection. Beside a worker (`signpost start`), `follow` is the
 * worker: the role shows the watchbook the worker runs and its reload status, and does not watch the files
 * itself (one watcher a process, so the two roles never run different watchbooks). Alone, it watches them.
 */
export async function startWebRole(opts: {
  config: string;
  watchbook: Watchbook;
  port: number;
  log?: Logger;
  follow?: WatchbookSource;
  loadedFrom?: string;
}): Promise<{ url: string; stop(): Promise<void> }> {
  const log = opts.log ?? defaultLogger();
  const redis = await connectRedis(process.env.REDIS_URL, { name: 'signpost-web' });
  let watcher: ReturnType<typeof ownWatcher> | undefined;
  const source: WatchbookSource = opts.follow ?? (watcher = ownWatcher(opts, log));
  const { auth, problem } = authFromEnv();
  if (problem && auth) log.warn(problem);
  try {
    const web = await startWeb({
      port: opts.port,
      // A cluster client too: the web role uses only what both clients have (PING, the store, BullMQ).
      redis: redis as Redis,
      ...(process.env.SIGNPOST_PREFIX && { prefix: process.env.SIGNPOST_PREFIX }),
      watchbook: () => source.watchbook(),
      reloadStatus: () => source.reloadStatus(),
      log,
      auth,
    });
    return {
      url: web.url,
      stop: async () => {
        watcher?.stop();
        await web.close();
        await redis.quit().catch(() => redis.disconnect());
      },
    };
  } catch (err) {
    watcher?.stop();
    redis.disconnect();
    throw err;
  }
}

/** The web-only role's own watcher: the watchbook kept fresh from disk, each refused edit logged once. */
function ownWatcher(
  opts: { config: string; watchbook: Watchbook; loadedFrom?: string },
  log: Logger,
): WatchbookSource & { stop(): void } {
  let current = opts.watchbook;
  const watcher = watchWatchbook(
    opts.config,
    (wb) => {
      current = wb;
    },
    (problems) => {
      for (const p of problems)
        log.error({ problem: formatProblem(p) }, 'Watchbook edit refused; the running watchbook stays');
    },
    { ...(opts.loadedFrom !== undefined && { loadedFrom: opts.loadedFrom }) },
  );
  return { watchbook: () => current, reloadStatus: () => watcher.status(), stop: () => watcher.stop() };
}

/** `signpost web`: only the web role (overview, job board, metrics, health), until SIGTERM or SIGINT. */
export async function runWeb(config: string): Promise<number> {
  const port = webPort();
  if (port === undefined) {
    console.error(`signpost web: PORT must be a port number, got "${process.env.PORT}"`);
    return 2;
  }
  const loadedFrom = watchbookFingerprint(config);
  const watchbook = loadOrReport(config);
  if (!watchbook) return 1;
  return runUntilSignal(() => startWebRole({ config, watchbook, port, loadedFrom }));
}
