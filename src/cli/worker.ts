import { startWorker } from '../../jobs/worker.js';
import { RedisUnavailableError } from '../queue/index.js';
import { loadOrReport } from './load.js';

/**
 * `signpost start` and `signpost worker`: poll the watchbook's sources, score new items, keep the scenario
 * picture, until SIGTERM or SIGINT. Processes share only Redis: run more of them to share the work.
 */
export async function runWorker(config: string): Promise<number> {
  const watchbook = loadOrReport(config);
  if (!watchbook) return 1;
  let worker;
  try {
    worker = await startWorker({
      configPath: config,
      watchbook,
      ...(process.env.REDIS_URL && { redisUrl: process.env.REDIS_URL }),
      ...(process.env.SIGNPOST_PREFIX && { prefix: process.env.SIGNPOST_PREFIX }),
    });
  } catch (err) {
    if (err instanceof RedisUnavailableError) {
      console.error(`signpost: ${err.message}`);
      return 1;
    }
    throw err;
  }
  const running = worker;
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.error(`signpost: ${signal}: finishing jobs in flight, then stopping`);
      running.stop().then(
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
