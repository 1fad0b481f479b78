// Polling on time: a source's next check is due one interval after the check it served, not after its
// fetch ended (nextCheck, a table), and the tick enqueues every source due before the next tick as a fetch
// delayed to its due time, carrying that time, once per source (real Redis and BullMQ, injected clock).
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { fetchSource } from '../../jobs/fetch-source.js';
import { Live } from '../../src/pipeline/live.js';
import { nextCheck } from '../../src/pipeline/schedule.js';
import { Fetcher } from '../../src/fetch/index.js';
import type { Watchbook } from '../../src/model/watchbook.js';
import { openQueues, type FetchJob } from '../../src/queue/index.js';
import { startServer } from '../helpers/server.js';
import { onRedis, T0, wb, withTicks } from './tick-harness.js';

const MIN = 60_000;

// [behaviour, due, every, now, next]
const cases: [string, number | undefined, number, number, number][] = [
  ['is due an interval after the check it served, however late the fetch ended', T0, 5 * MIN, T0 + 4_000, T0 + 5 * MIN],
  ['keeps the interval when the fetch ran early on a delayed job (another clock)', T0, 5 * MIN, T0 - 50, T0 + 5 * MIN],
  [
    'skips the slots missed by a check served more than an interval late, keeping its phase',
    T0,
    5 * MIN,
    T0 + 12 * MIN,
    T0 + 15 * MIN,
  ],
  ['is the next slot when served exactly an interval late', T0, 5 * MIN, T0 + 5 * MIN, T0 + 10 * MIN],
  ['is an interval from now for a job that carries no due time', undefined, 5 * MIN, T0 + 4_000, T0 + 4_000 + 5 * MIN],
];

describe('nextCheck', () => {
  it.each(cases)('%s', (_name, due, every, now, next) => {
    expect(nextCheck(due, every, now)).toBe(next);
  });
});

describe('the tick on Redis', () => {
  const { backend, redis } = onRedis();

  it('enqueues sources due before the next tick, delayed to their due time, with that time, once each', async () => {
    const store = backend.open().store;
    const [late, soon, later] = wb.sources.map((s) => s.id);
    const fetch = new Queue<FetchJob>('fetch', { connection: redis(), prefix: backend.prefix });
    try {
      await withTicks(redis(), backend.prefix, store, async (tickAt) => {
        await store.schedule(late!, T0 - 3_000);
        await store.schedule(soon!, T0 + 2_000);
        await store.schedule(later!, T0 + 20_000);
        expect(await tickAt(T0)).toMatchObject({ enqueued: 2 });
        const jobs = await fetch.getJobs(['waiting', 'delayed']);
        const seen = jobs
          .map((j) => ({ source: j.data.source, due: j.data.due, delay: j.opts.delay ?? 0 }))
          .sort((a, b) => a.due! - b.due!);
        expect(seen).toEqual([
          { source: late, due: T0 - 3_000, delay: 0 },
          { source: soon, due: T0 + 2_000, delay: 2_000 },
        ]);
        // The next tick finds both still due (not fetched yet) and adds nothing for them: one job a source.
        await tickAt(T0 + 1_000);
        expect((await fetch.getJobs(['waiting', 'delayed'])).map((j) => j.data.source).sort()).toEqual(
          [late, soon].sort(),
        );
      });
    } finally {
      await fetch.close();
    }
  });

  it('schedules the next check an interval after the due time the fetch served, not after the fetch', async () => {
    const server = await startServer((req, res) => {
      if (req.url !== '/feed.xml') return void res.writeHead(404).end();
      res
        .writeHead(200, { 'content-type': 'application/rss+xml' })
        .end(
          '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>http://example.org/</link><description>d</description><item><guid>a</guid><title>Routine notice</title></item></channel></rss>',
        );
    });
    const source = { ...wb.sources[0]!, id: 'loop', url: `${server.url}/feed.xml`, everyMs: 5 * MIN };
    const book: Watchbook = { ...wb, watch: { ...wb.watch, allowPrivate: true }, sources: [source] };
    const queues = openQueues(redis(), backend.prefix);
    const store = backend.open().store;
    try {
      const ctx = {
        live: new Live(book),
        store,
        queues,
        fetcher: new Fetcher({ minDelayMs: 0 }),
        log: pino({ level: 'silent' }),
        now: () => T0 + 4_000,
      };
      // As the tick finds it: scheduled, due a second before now.
      await store.schedule('loop', T0 - 1_000);
      const job = await queues.fetch.add('fetch', { source: 'loop', due: T0 - 1_000 });
      const out = await fetchSource(job, ctx);
      expect(out, JSON.stringify(out)).toMatchObject({ status: 'ok' });
      expect((await store.scheduled()).loop).toBe(T0 - 1_000 + 5 * MIN);
      expect((await store.getHealth('loop'))?.nextCheckAt).toBe(T0 - 1_000 + 5 * MIN);
    } finally {
      await queues.close();
      await server.close();
    }
  });
});
