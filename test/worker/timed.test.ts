// The wrapper every job runs in: its duration counted under its queue, returned or thrown, and a counter write that fails never fails the job.
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Live } from '../../src/pipeline/live.js';
import { wake } from '../../jobs/notify-now.js';
import { timed } from '../../jobs/timed.js';
import { openQueues, QUEUE, type Job } from '../../src/queue/index.js';
import type { WakeJob } from '../../src/queue/queues.js';
import { Fetcher } from '../../src/fetch/index.js';
import { HISTOGRAM, readHistogram, RedisStore } from '../../src/store/index.js';
import { withTicks, wb } from '../pipeline/tick-harness.js';
import { deleteUnder, randomPrefix, REDIS_URL } from '../store/backends.js';

let redis: Redis;
let prefix: string;
let store: RedisStore;
let lines: { msg: string; err?: string; job_id?: string }[];
let log: pino.Logger;

beforeEach(() => {
  redis = new Redis(REDIS_URL);
  prefix = randomPrefix();
  store = new RedisStore(redis, { prefix });
  lines = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
      done();
    },
  });
  log = pino({ level: 'debug' }, sink);
});

afterEach(async () => {
  await deleteUnder(redis, prefix);
  await redis.quit();
});

/** Jobs counted under `queue`, from what the store keeps. */
async function counted(queue: string): Promise<number> {
  const series = readHistogram(HISTOGRAM.jobDuration, await store.counters()).find((s) => s.labels.queue === queue);
  const inf = series?.buckets.find(([le]) => le === '+Inf');
  return inf?.[1] ?? 0;
}

describe('timed', () => {
  const cases: { name: string; work: () => Promise<string>; outcome: 'returns' | 'throws' }[] = [
    { name: 'a job that returns: its result, counted', work: () => Promise.resolve('done'), outcome: 'returns' },
    {
      name: 'a job that throws: its error, counted all the same',
      work: () => Promise.reject(new Error('fetch: 503 for https://example.test/feed')),
      outcome: 'throws',
    },
  ];
  it.each(cases)('$name', async ({ work, outcome }) => {
    const run = timed(QUEUE.fetch, { store, log }, { id: 'job-1' }, work);
    if (outcome === 'returns') await expect(run).resolves.toBe('done');
    else await expect(run).rejects.toThrow('fetch: 503 for https://example.test/feed');
    expect(await counted(QUEUE.fetch)).toBe(1);
    expect(await counted(QUEUE.score)).toBe(0);
  });

  it('a counter write Redis refuses leaves the job its result and says so at debug', async () => {
    const gone = new Redis(REDIS_URL);
    await gone.quit();
    const unreachable = new RedisStore(gone, { prefix });
    await expect(
      timed(QUEUE.score, { store: unreachable, log }, { id: 'job-2' }, () => Promise.resolve(7)),
    ).resolves.toBe(7);
    expect(lines.filter((l) => l.msg === 'Counters not written').map((l) => l.job_id)).toEqual(['job-2']);
    expect(await counted(QUEUE.score)).toBe(0);
  });
});

describe('the jobs of the tick queue', () => {
  it('a tick and a wake are each counted under the tick queue', async () => {
    await withTicks(redis, prefix, store, async (tickAt) => {
      await tickAt(Date.UTC(2026, 0, 10, 10, 0, 5));
    });
    expect(await counted(QUEUE.tick)).toBe(1);
    const queues = openQueues(redis, prefix);
    try {
      const ctx = { live: new Live(wb), store, queues, fetcher: new Fetcher(), log, now: () => Date.now() };
      await expect(wake({ id: 'wake-1', data: { groups: [] } } as unknown as Job<WakeJob>, ctx)).resolves.toEqual({
        notifications: 0,
      });
    } finally {
      await queues.close();
    }
    expect(await counted(QUEUE.tick)).toBe(2);
  });
});
