// A fetch scores its items itself when they are one batch: no score job, and its items are seen and their
// evidence stored before it records the source fetched. A bigger feed goes to score jobs of SCORE_BATCH
// items; a batch whose step fails in the fetch goes to a score job whole, and is scored there (real Redis,
// a loopback feed, the shipped watchbook).
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { fetchSource, SCORE_BATCH } from '../../jobs/fetch-source.js';
import { scoreItems } from '../../jobs/score-items.js';
import { Fetcher } from '../../src/fetch/index.js';
import type { Watchbook } from '../../src/model/watchbook.js';
import { Live } from '../../src/pipeline/live.js';
import { openQueues, type Job, type ScoreJob } from '../../src/queue/index.js';
import { storeKeys } from '../../src/store/index.js';
import { startServer } from '../helpers/server.js';
import { rssFeed, type FeedEntry } from '../worker/helpers/feeds.js';
import { onRedis, wb } from './tick-harness.js';

const MATCHING = 'KIIS poll: most Ukrainians reject territorial concessions';

function entries(n: number): FeedEntry[] {
  const at = Date.now() - 3_600_000;
  return Array.from({ length: n }, (_, i) => ({
    guid: `g${i}`,
    title: i === 0 ? MATCHING : `Routine notice ${i}`,
    published: new Date(at - i * 1000),
  }));
}

describe('a fetch and the scoring of its items', () => {
  const { backend, redis } = onRedis();

  async function fetchOnce(feed: FeedEntry[], before?: (keys: ReturnType<typeof storeKeys>) => Promise<void>) {
    const body = rssFeed('kiis', feed);
    const server = await startServer((req, res) => {
      if (req.url !== '/feed.xml') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body);
    });
    const kiis = wb.sources.find((s) => s.id === 'kiis-reports')!;
    const source = { ...kiis, type: 'rss' as const, url: `${server.url}/feed.xml` };
    const book: Watchbook = { ...wb, watch: { ...wb.watch, allowPrivate: true }, sources: [source] };
    const queues = openQueues(redis(), backend.prefix);
    const store = backend.open().store;
    const keys = storeKeys(backend.prefix);
    const ctx = {
      live: new Live(book),
      store,
      queues,
      fetcher: new Fetcher({ minDelayMs: 0 }),
      log: pino({ level: 'silent' }),
      now: Date.now,
    };
    await store.markStarted(Date.now());
    await store.schedule(source.id, Date.now());
    await before?.(keys);
    const job = await queues.fetch.add('fetch', { source: source.id, due: Date.now() });
    const out = await fetchSource(job, ctx);
    const scoreJobs = (await queues.score.getJobs(['waiting'])) as Job<ScoreJob>[];
    const close = async () => {
      await queues.close();
      await server.close();
    };
    return { out, scoreJobs, keys, store, ctx, close };
  }

  it('scores a feed of one batch in the fetch: no score job, every item seen, its evidence stored', async () => {
    const run = await fetchOnce(entries(40));
    try {
      expect(run.out).toMatchObject({ status: 'ok', items: 40 });
      expect(run.scoreJobs).toEqual([]);
      expect(await redis().zcard(run.keys.seen)).toBe(40);
      const evidence = Object.values(await redis().hgetall(run.keys.evidence)).map(
        (v) => JSON.parse(v) as { rule: string },
      );
      expect(evidence.map((e) => e.rule)).toEqual(['poll-rejects-concessions']);
      expect((await run.store.getHealth('kiis-reports'))?.lastSuccessAt).toBeDefined();
    } finally {
      await run.close();
    }
  });

  it(`hands a feed of more than ${SCORE_BATCH} items to score jobs of at most ${SCORE_BATCH}, scoring none itself`, async () => {
    const run = await fetchOnce(entries(SCORE_BATCH + 7));
    try {
      expect(run.out).toMatchObject({ status: 'ok', items: SCORE_BATCH + 7 });
      expect(run.scoreJobs.map((j) => j.data.items.length).sort((a, b) => a - b)).toEqual([7, SCORE_BATCH]);
      expect(await redis().zcard(run.keys.seen)).toBe(0);
    } finally {
      await run.close();
    }
  });

  it('hands a batch whose step failed in the fetch to a score job whole, which scores it once the store is mended', async () => {
    // A seen-set of the wrong type: the step's first read fails, the schedule and health still write.
    const run = await fetchOnce(entries(40), (keys) =>
      redis()
        .set(keys.seen, 'not a sorted set')
        .then(() => {}),
    );
    try {
      expect(run.out).toMatchObject({ status: 'ok', items: 40 });
      expect(run.scoreJobs.map((j) => j.data.items.length)).toEqual([40]);
      expect(await redis().hlen(run.keys.evidence)).toBe(0);
      await redis().del(run.keys.seen);
      expect(await scoreItems(run.scoreJobs[0]!, run.ctx)).toEqual({ fresh: 40, evidence: 1 });
      expect(await redis().zcard(run.keys.seen)).toBe(40);
    } finally {
      await run.close();
    }
  });
});
