import { afterEach, describe, expect, it } from 'vitest';
import { FeedFixture } from './helpers/feeds.js';
import { killAll, logsWith, signalAndWait, spawnWorker, type WorkerProcess } from './helpers/processes.js';
import { deleteUnder, randomPrefix, REDIS_URL, testRedis, until } from './helpers/redis.js';
import { startSlowProxy } from './helpers/slow-proxy.js';
import { makeWatchbookDir, type WatchbookDir } from './helpers/watchbook.js';

// SIGTERM is a graceful stop: the worker takes no new job and lets the ones in flight finish within its
// shutdown grace (jobs/worker.ts, `shutdownGraceMs`, 20 s), then exits 0. A SIGTERM that comes while the
// worker is still connecting waits for the start to finish, then stops the same way.

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('SIGTERM with a fetch in flight', () => {
  it('lets the fetch finish within the grace period, then exits 0', async () => {
    const prefix = randomPrefix();
    // 8 s of slow body: longer than the CLI's 3 s, well within the worker's 20 s grace.
    const fixture = await FeedFixture.start([
      {
        id: 'slow',
        entries: [{ guid: 'g1', title: 'Storm closes schools in Lviv', published: new Date() }],
        holdMs: () => 8_000,
      },
    ]);
    const book: WatchbookDir = makeWatchbookDir([{ id: 'slow', url: fixture.url('slow'), every: '1s' }]);
    const redis = testRedis();
    const w: WorkerProcess = spawnWorker('w', { config: book.dir, prefix, redisUrl: REDIS_URL });
    cleanup = async () => {
      await killAll([w]);
      await fixture.close();
      book.remove();
      await deleteUnder(redis, prefix);
      redis.disconnect();
    };

    const request = await until('the slow request in flight', () => fixture.inFlight('slow')[0], 20_000, {
      intervalMs: 50,
    });
    const exit = await signalAndWait(w, 'SIGTERM', 25_000);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(request.aborted, `the fetch was cut off ${exit.ms} ms after SIGTERM`).toBe(false);
    expect(request.finished).toBe(true);
    expect(logsWith(w, 'Source fetched', { source_id: 'slow' })).toHaveLength(1);
    expect(logsWith(w, 'Worker stopped')).toHaveLength(1);
  }, 60_000);
});

describe('SIGTERM while the worker is still connecting', () => {
  it('finishes starting, then stops cleanly and exits 0', async () => {
    const prefix = randomPrefix();
    const book: WatchbookDir = makeWatchbookDir([{ id: 'idle', url: 'http://127.0.0.1:9/feed.xml', every: '1h' }]);
    // Every command takes 300 ms to reach Redis: connecting takes a few seconds, long enough to signal into.
    const slow = await startSlowProxy(REDIS_URL, 300);
    const redis = testRedis();
    const w: WorkerProcess = spawnWorker('w', { config: book.dir, prefix, redisUrl: slow.url });
    cleanup = async () => {
      await killAll([w]);
      await slow.close();
      book.remove();
      await deleteUnder(redis, prefix);
      redis.disconnect();
    };

    await until('the worker connecting to Redis', () => (slow.connections() > 0 ? true : undefined), 20_000, {
      intervalMs: 10,
    });
    expect(logsWith(w, 'Worker started')).toHaveLength(0);
    const exit = await signalAndWait(w, 'SIGTERM', 40_000);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(logsWith(w, 'Worker started')).toHaveLength(1);
    expect(logsWith(w, 'Worker stopped')).toHaveLength(1);
  }, 60_000);
});
