// Score jobs a worker process runs at once: more than one, so their round trips overlap (their steps still
// take turns); on a slow link to real Redis, every item still scored once.
import { Queue } from 'bullmq';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SCORE_CONCURRENCY, startWorker, type RunningWorker } from '../../jobs/worker.js';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import { storeKeys } from '../../src/store/index.js';
import { poll } from '../pipeline/tick-harness.js';
import { FeedFixture } from './helpers/feeds.js';
import { deleteUnder, randomPrefix, REDIS_URL, testRedis, until } from './helpers/redis.js';
import { startSlowProxy } from './helpers/slow-proxy.js';
import { makeWatchbookDir } from './helpers/watchbook.js';

const JOBS = 4;
const PER_JOB = 5;

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('score concurrency', () => {
  it('has two score jobs of one process active at once, and scores every item once', async () => {
    expect(SCORE_CONCURRENCY).toBeGreaterThanOrEqual(2);
    const fixture = await FeedFixture.start([{ id: 'quiet', entries: [] }]);
    const book = makeWatchbookDir([{ id: 'quiet', url: fixture.url('quiet'), every: '1h' }]);
    const prefix = randomPrefix('score-concurrency');
    const redis = testRedis();
    // 20 ms a chunk each way: a job's dozens of round trips keep it active long after the next one starts.
    const slow = await startSlowProxy(REDIS_URL, 20);
    const score = new Queue('score', { connection: redis, prefix });
    const workers: RunningWorker[] = [];
    cleanup = async () => {
      for (const w of workers) await w.stop();
      await score.close();
      await slow.close();
      await fixture.close();
      book.remove();
      await deleteUnder(redis, prefix);
      redis.disconnect();
    };
    // Enqueued before the worker starts, so it finds them all waiting.
    const keys = Array.from({ length: JOBS * PER_JOB }, (_, n) => `g${n}`);
    const items = keys.map((g) => poll(g, Date.now() - 3_600_000));
    for (let j = 0; j < JOBS; j++)
      await score.add(
        'score',
        { source: 'quiet', items: items.slice(j * PER_JOB, (j + 1) * PER_JOB) },
        { jobId: `batch-${j}` },
      );
    workers.push(
      await startWorker({
        configPath: book.dir,
        watchbook: loadWatchbookOrThrow(book.dir),
        redisUrl: slow.url,
        prefix,
        tickMs: 1_000,
        minDelayMs: 0,
        log: pino({ level: 'silent' }),
        shutdownGraceMs: 5_000,
        reload: false,
      }),
    );
    const done = await until(
      'every score job completed',
      async () => {
        const jobs = await score.getJobs(['completed', 'failed'], 0, -1);
        return jobs.length === JOBS ? jobs : undefined;
      },
      60_000,
      { intervalMs: 100, describe: async () => JSON.stringify(await score.getJobCounts()) },
    );
    expect(done.map((j) => j.failedReason)).toEqual(done.map(() => undefined));
    // Some two jobs were active at once: one started before another finished.
    const spans = done.map((j) => [j.processedOn!, j.finishedOn!] as const).sort((a, b) => a[0] - b[0]);
    expect(
      spans.some(([start], n) => n > 0 && start < spans[n - 1]![1]),
      JSON.stringify(spans),
    ).toBe(true);
    expect(await redis.zcard(storeKeys(prefix).seen)).toBe(keys.length);
  }, 90_000);
});
