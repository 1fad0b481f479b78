import { RedisUnavailableError } from '../queue/index.js';

/**
 * The life of a long-running command: start it (without Redis, say where it was looked for and return 1),
 * then run until SIGTERM or SIGINT and stop it cleanly. Whatever still holds the event loop after a clean
 * stop (a socket closing slowly) does not get to keep the process up.
 */
export async function runUntilSignal(start: () => Promise<{ stop(): Promise<void> }>): Promise<number> {
  let running;
  try {
    running = await start();
  } catch (err) {
    if (!(err instanceof RedisUnavailableError)) throw err;
    console.error(`signpost: ${err.message}`);
    return 1;
  }
  const started = running;
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.error(`signpost: ${signal}: finishing work in flight, then stopping`);
      started.stop().then(
        () => {
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
