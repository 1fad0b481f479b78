// The built binary run once (`signpost validate`, `signpost fetch`) with its output and time, bounded; and
// the web role (`signpost web`, or `signpost start`) as a child process whose URL is read from its log.
import { execFile } from 'node:child_process';
import { MAIN_JS, spawnWorker, type WorkerProcess } from '../../test/worker/helpers/processes.js';
import { reap } from './reaper.js';
import type { Scope } from './scenario.js';
import { waitUntil } from './tally.js';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Killed at the time limit. */
  timedOut: boolean;
}

/** `node dist/jobs/main.js ...args`, SIGNPOST_CONFIG removed, `env` added; killed after `timeoutMs`. */
export function runCli(
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {},
): Promise<CliRun> {
  const env = { ...process.env, ...opts.env };
  delete env.SIGNPOST_CONFIG;
  const started = Date.now();
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [MAIN_JS, ...args],
      { env, cwd: opts.cwd, timeout: opts.timeoutMs ?? 30_000, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: number | string; killed?: boolean; signal?: string }) | null;
        resolve({
          status: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
          ms: Date.now() - started,
          timedOut: Boolean(e?.killed && e.signal === 'SIGKILL'),
        });
      },
    );
    reap(child);
  });
}

/**
 * `signpost web` (or `start`) on a free port, its JSON log collected like a worker's; killed in cleanup.
 * Resolves once it logged "Web started" (with its URL), or throws with what it printed.
 */
export async function spawnWeb(
  name: string,
  opts: {
    command?: 'web' | 'start';
    config: string;
    prefix: string;
    redisUrl: string;
    env?: NodeJS.ProcessEnv;
    deadline: number;
  },
  scope: Scope,
): Promise<WorkerProcess & { url: string }> {
  const w = spawnWorker(name, {
    command: opts.command ?? 'web',
    config: opts.config,
    prefix: opts.prefix,
    redisUrl: opts.redisUrl,
    logLevel: opts.env?.LOG_LEVEL ?? 'info',
    env: { ...opts.env, PORT: '0' },
  });
  reap(w.child);
  scope.defer(name, w, async (p) => {
    if (!p.exited()) p.child.kill('SIGKILL');
    await p.exit;
  });
  const up = await waitUntil(
    () => w.logs.some((l) => l.msg === 'Web started') || w.exited() !== undefined,
    Math.min(opts.deadline, Date.now() + 30_000),
    100,
  );
  const url = w.logs.find((l) => l.msg === 'Web started')?.url;
  if (!up || typeof url !== 'string')
    throw new Error(
      `${name} did not start: ${w.exited() ? `exited ${JSON.stringify(w.exited())}` : 'no "Web started"'}; ${w.text.slice(-3).join(' / ')}`,
    );
  return Object.assign(w, { url });
}

export const basicAuth = (user: string, password: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});
