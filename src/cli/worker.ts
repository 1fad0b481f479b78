// `signpost start` and `signpost worker`: the worker role (handed in by the process entry), and the web role beside it.
import { watchbookFingerprint } from '../config/index.js';
import { steadyHeap } from './heap.js';
import { loadOrReport } from './load.js';
import { defaultLogger } from './logger.js';
import type { Roles } from './roles.js';
import { runUntilSignal } from './run-until-signal.js';

/**
 * `signpost start` and `signpost worker`: poll the watchbook's sources, score new items, keep the scenario
 * picture, until SIGTERM or SIGINT. Processes share only Redis: run more of them to share the work.
 * `start` (opts.web) also serves the web role on PORT beside the worker; `worker` is the worker only.
 */
export async function runWorker(config: string, roles: Roles, opts: { web?: boolean } = {}): Promise<number> {
  // Loaded only for `start`: `worker` does not load the HTTP stack.
  const webRole = opts.web ? await import('./web.js') : undefined;
  const port = webRole?.webPort();
  if (webRole && port === undefined) {
    console.error(`signpost start: PORT must be a port number, got "${process.env.PORT}"`);
    return 2;
  }
  // Taken before the load: an edit made while the process starts is reloaded, not missed.
  const loadedFrom = watchbookFingerprint(config);
  const watchbook = loadOrReport(config);
  if (!watchbook) return 1;
  const log = defaultLogger();
  steadyHeap();
  return runUntilSignal(async () => {
    const worker = await roles.startWorker({
      configPath: config,
      watchbook,
      loadedFrom,
      log,
      ...(process.env.REDIS_URL && { redisUrl: process.env.REDIS_URL }),
      ...(process.env.SIGNPOST_PREFIX && { prefix: process.env.SIGNPOST_PREFIX }),
    });
    if (!webRole || port === undefined) return worker;
    let web;
    try {
      // The worker's watcher is the process's only one: the web role follows the watchbook it runs.
      web = await webRole.startWebRole({ config, watchbook, port, log, follow: worker });
    } catch (err) {
      await worker.stop();
      throw err;
    }
    const both = web;
    return { stop: async () => void (await Promise.all([worker.stop(), both.stop()])) };
  });
}
