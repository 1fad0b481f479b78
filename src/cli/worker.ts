import { startWorker } from '../../jobs/worker.js';
import { RedisUnavailableError } from '../queue/index.js';
import { loadOrReport } from './load.js';

/**
 * `signpost start` and `signpost worker`: poll the watchbook's sources, score new items, keep the scenario
 * picture, until SIGTERM or SIGINT. Processes share only Redis: run more of them to share the work.
 * `start` (opts.web) also serves the web role on PORT beside the worker; `worker` is the worker only.
 */
export async function runWorker(config: string, opts: { web?: boolean } = {}): Promise<number> {
  // Loaded only for `start`: `worker` does not load the HTTP stack.
  const webRole = opts.web ? await import('./web.js') : undefined;
  const port = webRole?.webPort();
  if (webRole && port === undefined) {
    console.error(`signpost start: PORT must be a port number, got "${process.env.PORT}"`);
    return 2;
  }
  const watchbook = loadOrReport(config);
  if (!watchbook) return 1;
  let worker;
  let web: { stop(): Promise<void> } | undefined;
  try {
    worker = await startWorker({
      configPath: config,
      watchbook,
      ...(process.env.REDIS_URL && { redisUrl: process.env.REDIS_URL }),
      ...(process.env.SIGNPOST_PREFIX && { prefix: process.env.SIGNPOST_PREFIX }),
    });
    if (webRole && port !== undefined) {
      const reloadStatus = worker.reloadStatus.bind(worker);
      try {
        web = await webRole.startWebRole({ config, watchbook, port, reloadStatus });
      } catch (err) {
        await worker.stop();
        throw err;
      }
    }
  } catch (err) {
    if (err instanceof RedisUnavailableError) {
      console.error(`signpost: ${err.message}`);
      return 1;
    }
    throw err;
  }
  const running = worker;
  const runningWeb = web;
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.error(`signpost: ${signal}: finishing jobs in flight, then stopping`);
      Promise.all([running.stop(), runningWeb?.stop()]).then(
        () => {
          // Whatever still holds the event loop after a clean stop (a socket closing slowly) does not get
          // to keep the process up.
          setTimeout(() => process.exit(process.exitCode ?? 0), 3_000).unref();
          resolve(0);
        },
        (err: unknown) => {
          console.error(`signpost: stopping failed: ${(err as Error).message}`);
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
