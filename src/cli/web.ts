import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { defaultLogger } from '../../jobs/worker.js';
import { formatProblem, watchbookFingerprint, watchWatchbook } from '../config/index.js';
import type { ReloadStatus } from '../model/reload.js';
import type { Watchbook } from '../model/watchbook.js';
import { connectRedis } from '../queue/index.js';
import { authFromEnv, startWeb } from '../web/index.js';
import { loadOrReport } from './load.js';
import { runUntilSignal } from './run-until-signal.js';

export const DEFAULT_PORT = 8080;

/** PORT from the environment, else 8080; undefined when it is not a port number. */
export function webPort(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env.PORT ?? String(DEFAULT_PORT);
  const port = Number(text);
  return /^\d+$/.test(text) && port >= 0 && port <= 65_535 ? port : undefined;
}

/**
 * The web role on PORT: its own Redis connection, and the watchbook kept fresh from disk. `reloadStatus`
 * (the worker's, under `signpost start`) replaces the role's own watcher status for /readyz.
 */
export async function startWebRole(opts: { config: string; watchbook: Watchbook; port: number; log?: Logger; reloadStatus?: () => ReloadStatus; loadedFrom?: string }): Promise<{ url: string; stop(): Promise<void> }> {
  const log = opts.log ?? defaultLogger();
  const redis = await connectRedis(process.env.REDIS_URL, { name: 'signpost-web' });
  let current = opts.watchbook;
  const watcher = watchWatchbook(
    opts.config,
    (wb) => {
      current = wb;
    },
    (problems) => {
      // The worker (in `start`) reports refused edits already; the web-only role says it once per edit.
      if (!opts.reloadStatus) for (const p of problems) log.error({ problem: formatProblem(p) }, 'Watchbook edit refused; the running watchbook stays');
    },
    { ...(opts.loadedFrom !== undefined && { loadedFrom: opts.loadedFrom }) },
  );
  const { auth, problem } = authFromEnv();
  if (problem && auth) log.warn(problem);
  try {
    const web = await startWeb({
      port: opts.port,
      // A cluster client too: the web role uses only what both clients have (PING, the store, BullMQ).
      redis: redis as Redis,
      ...(process.env.SIGNPOST_PREFIX && { prefix: process.env.SIGNPOST_PREFIX }),
      watchbook: () => current,
      reloadStatus: opts.reloadStatus ?? (() => watcher.status()),
      log,
      auth,
    });
    return {
      url: web.url,
      stop: async () => {
        watcher.stop();
        await web.close();
        await redis.quit().catch(() => redis.disconnect());
      },
    };
  } catch (err) {
    watcher.stop();
    redis.disconnect();
    throw err;
  }
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
