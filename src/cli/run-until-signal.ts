// The long-running commands (`start`, `worker`, `web`) from start to a clean stop on SIGTERM or SIGINT.
import { RedisUnavailableError, RedisUrlError } from '../queue/index.js';

/**
 * The life of a long-running command: start it (without Redis, or with a REDIS_URL that names none, say
 * where it was looked for and return 1), then run until SIGTERM or SIGINT and stop it cleanly. Whatever still
 * holds the event loop after a clean stop (a socket closing slowly) does not get to keep the process up.
 *
 * The signal handlers go in before starting: a SIGTERM that arrives while connecting (a deploy that
 * changes its mind, a supervisor stopping a replica it just started) waits for the start to finish and
 * then stops cleanly, instead of killing the process half-connected.
 */
export async function runUntilSignal(start: () => Promise<{ stop(): Promise<void> }>): Promise<number> {
  let received: string | undefined;
  let onSignal: (signal: string) => void = (signal) => {
    received ??= signal;
  };
  const handler = (signal: NodeJS.Signals) => onSignal(signal);
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  const removeHandlers = () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };

  let running;
  try {
    running = await start();
  } catch (err) {
    removeHandlers();
    if (!(err instanceof RedisUnavailableError || err instanceof RedisUrlError)) throw err;
    console.error(`signpost: ${err.message}`);
    return 1;
  }
  const started = running;
  return new Promise((resolve) => {
    let stopping = false;
    onSignal = (signal) => {
      if (stopping) return;
      stopping = true;
      removeHandlers();
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
    if (received) onSignal(received);
  });
}
