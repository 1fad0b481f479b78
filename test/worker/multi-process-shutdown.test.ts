import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { FeedFixture } from './helpers/feeds.js';
import { killAll, logsWith, signalAndWait, spawnWorker, type WorkerProcess } from './helpers/processes.js';
import { deleteUnder, randomPrefix, REDIS_URL, until } from './helpers/redis.js';
import { makeWatchbookDir, type WatchbookDir } from './helpers/watchbook.js';

// SIGTERM is a graceful stop: the worker takes no new job and lets the ones in flight finish within its
// shutdown grace (jobs/worker.ts, `shutdownGraceMs`, 20 s), then exits 0.

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('SIGTERM with a fetch in flight', () => {
  it('lets the fetch finish within the grace period, then exits 0', async () => {
    const prefix = randomPrefix();
    // 8 s of slow body: longer than the CLI's 3 s, well within the worker's 20 s grace.
    const fixture = await FeedFixture.start([{ id: 'slow', entries: [{ guid: 'g1', title: 'Storm closes schools in Lviv', published: new Date() }], holdMs: () => 8_000 }]);
    const book: WatchbookDir = makeWatchbookDir([{ id: 'slow', url: fixture.url('slow'), every: '1s' }]);
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const w: WorkerProcess = spawnWorker('w', { config: book.dir, prefix, redisUrl: REDIS_URL });
    cleanup = async () => {
      await killAll([w]);
      await fixture.close();
      book.remove();
      await deleteUnder(redis, prefix);
      redis.disconnect();
    };

    const request = await until('the slow request in flight', () => fixture.inFlight('slow')[0], 20_000, { intervalMs: 50 });
    const exit = await signalAndWait(w, 'SIGTERM', 25_000);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(request.aborted, `the fetch was cut off ${exit.ms} ms after SIGTERM`).toBe(false);
    expect(request.finished).toBe(true);
    expect(logsWith(w, 'Source fetched', { source_id: 'slow' })).toHaveLength(1);
    expect(logsWith(w, 'Worker stopped')).toHaveLength(1);
  }, 60_000);
});
