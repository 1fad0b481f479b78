// How many sources one worker process fetches at once by default: more than the hosts a slot used to wait on.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FETCH_CONCURRENCY, startWorker, type RunningWorker } from '../../jobs/worker.js';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import { FeedFixture } from './helpers/feeds.js';
import { deleteUnder, randomPrefix, REDIS_URL, testRedis, until } from './helpers/redis.js';
import { makeWatchbookDir, type WatchbookDir } from './helpers/watchbook.js';

// Each source on a server of its own (politeness is per host:port), each feed held open after its head:
// the feeds are in flight together only if the process runs that many fetches at once. 8 slots (the old
// default) would leave 12 of these 20 waiting, and the wait below would time out.
const SOURCES = 20;

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('fetch concurrency', () => {
  it('has every source of twenty on hosts of their own in flight at once', async () => {
    expect(FETCH_CONCURRENCY).toBeGreaterThanOrEqual(SOURCES);
    const ids = Array.from({ length: SOURCES }, (_, n) => `held${n}`);
    // Held long enough to overlap on a busy machine; the fixture's close cuts them off.
    const fixture = await FeedFixture.start(
      ids.map((id) => ({
        id,
        entries: [{ guid: `${id}-1`, title: 'Storm closes schools in Lviv', published: new Date() }],
        holdMs: () => 60_000,
      })),
    );
    const book: WatchbookDir = makeWatchbookDir(ids.map((id) => ({ id, url: fixture.url(id), every: '1h' })));
    const prefix = randomPrefix('fetch-concurrency');
    const redis = testRedis();
    const workers: RunningWorker[] = [];
    cleanup = async () => {
      await fixture.close();
      for (const w of workers) await w.stop();
      book.remove();
      await deleteUnder(redis, prefix);
      redis.disconnect();
    };
    const worker = await startWorker({
      configPath: book.dir,
      watchbook: loadWatchbookOrThrow(book.dir),
      redisUrl: REDIS_URL,
      prefix,
      tickMs: 1_000,
      minDelayMs: 0,
      log: pino({ level: 'silent' }),
      shutdownGraceMs: 1_000,
      reload: false,
    });
    workers.push(worker);
    await until(
      'every feed in flight at once',
      () => (ids.every((id) => fixture.inFlight(id).length === 1) ? true : undefined),
      40_000,
      {
        intervalMs: 50,
        describe: () => `${ids.filter((id) => fixture.inFlight(id).length > 0).length} of ${SOURCES} in flight`,
      },
    );
    expect(ids.map((id) => fixture.maxInFlight(id))).toEqual(ids.map(() => 1));
  }, 60_000);
});
