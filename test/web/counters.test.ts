// The pipeline counters on /metrics: what the jobs add to in Redis, read back at scrape time as Prometheus
// counters with their HELP, TYPE, labels and values.
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchSource } from '../../jobs/fetch-source.js';
import { Live } from '../../src/pipeline/live.js';
import { scoreItems } from '../../jobs/score-items.js';
import type { JobContext } from '../../jobs/context.js';
import { Fetcher } from '../../src/fetch/index.js';
import type { Item } from '../../src/model/item.js';
import type { Watchbook } from '../../src/model/watchbook.js';
import { openQueues, type FetchJob, type Job, type Queues, type ScoreJob } from '../../src/queue/index.js';
import {
  COUNTER,
  COUNTERS,
  HISTOGRAM,
  HISTOGRAMS,
  jobSeconds,
  readHistogram,
  type Store,
} from '../../src/store/index.js';
import { harness, WATCHBOOK, type Harness } from './harness.js';
import { parseProm } from './prom-text.js';

async function scrape(h: Harness) {
  const r = await fetch(`${h.web.url}/metrics`);
  expect(r.status).toBe(200);
  return parseProm(await r.text());
}

const job = <T>(id: string, data: T): Job<T> => ({ id, data, attemptsMade: 0 }) as unknown as Job<T>;

function item(key: string, title: string): Item {
  const at = new Date().toISOString();
  return {
    key,
    source: 'good-feed',
    title,
    summary: '',
    content: '',
    publishedAt: at,
    dateEstimated: false,
    fetchedAt: at,
    lang: 'en',
    tags: [],
    fingerprint: createHash('sha256').update(key).digest('hex').slice(0, 16),
  };
}

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('job durations as a histogram kept in counters', () => {
  const spec = HISTOGRAM.jobDuration;
  const cases: { name: string; seconds: number; le: string }[] = [
    { name: 'on a bound, in that bucket', seconds: 0.5, le: '0.5' },
    { name: 'between bounds, in the next one up', seconds: 0.3, le: '0.5' },
    { name: 'past the last bound, in +Inf', seconds: 61, le: '+Inf' },
    { name: 'negative (a clock step), as 0', seconds: -2, le: '0.005' },
  ];
  it.each(cases)('a job $name', ({ seconds, le }) => {
    expect(jobSeconds('fetch', seconds)).toEqual([
      { name: 'signpost_job_duration_seconds_bucket', labels: { queue: 'fetch', le } },
      { name: 'signpost_job_duration_seconds_sum', labels: { queue: 'fetch' }, by: Math.max(0, seconds) },
    ]);
  });

  it('reads cumulative buckets, the count from them, and a bound the spec no longer has in the next bound above it', () => {
    const [series, ...more] = readHistogram(spec, [
      { name: 'signpost_job_duration_seconds_bucket', labels: { queue: 'score', le: '0.01' }, value: 3 },
      { name: 'signpost_job_duration_seconds_bucket', labels: { queue: 'score', le: '0.3' }, value: 2 }, // an old bound
      { name: 'signpost_job_duration_seconds_bucket', labels: { queue: 'score', le: '+Inf' }, value: 1 },
      { name: 'signpost_job_duration_seconds_sum', labels: { queue: 'score' }, value: 70 },
      { name: 'signpost_fetches_total', labels: { source: 's', result: 'ok' }, value: 9 },
    ]);
    expect(more).toEqual([]);
    expect(series?.labels).toEqual({ queue: 'score' });
    expect(series?.count).toBe(6);
    expect(series?.sum).toBe(70);
    const at = new Map(series?.buckets);
    expect([at.get('0.005'), at.get('0.01'), at.get('0.25'), at.get('0.5'), at.get('60'), at.get('+Inf')]).toEqual([
      0, 3, 3, 5, 5, 6,
    ]);
    expect(series?.buckets.map(([le]) => le)).toEqual([...spec.buckets.map(String), '+Inf']);
  });
});

describe('/metrics: pipeline counters', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(undefined);
  });
  afterAll(async () => h.close());

  it('lists every pipeline counter as TYPE counter and every histogram as TYPE histogram with its HELP, before anything was counted', async () => {
    const { types, helps } = await scrape(h);
    for (const c of COUNTERS) {
      expect(types.get(c.name)).toBe('counter');
      expect(helps.get(c.name)).toBe(c.help);
    }
    for (const c of HISTOGRAMS) {
      expect(types.get(c.name)).toBe('histogram');
      expect(helps.get(c.name)).toBe(c.help);
    }
  });

  it('shows counters incremented through the store with their labels and values, escaped', async () => {
    await h.store.incrementCounters([
      { name: COUNTER.fetches.name, labels: { source: 'good-feed', result: 'ok' }, by: 3 },
      { name: COUNTER.fetches.name, labels: { source: 'bad-feed', result: 'timeout' } },
      {
        name: COUNTER.notifications.name,
        labels: { receiver: 'on "call"\\x', channel: 'slack', result: 'sent', reason: '' },
        by: 2,
      },
      {
        name: COUNTER.notifications.name,
        labels: { receiver: 'desk', channel: 'email', result: 'failed', reason: 'smtp-5xx' },
      },
      ...jobSeconds('fetch', 0.5),
      ...jobSeconds('fetch', 1),
      { name: 'signpost_not_a_metric_total', labels: { x: '1' } },
    ]);
    await h.store.incrementCounters([{ name: COUNTER.fetches.name, labels: { result: 'ok', source: 'good-feed' } }]);
    const { samples } = await scrape(h);
    expect(samples.get('signpost_fetches_total{source="good-feed",result="ok"}')).toBe(4);
    expect(samples.get('signpost_fetches_total{source="bad-feed",result="timeout"}')).toBe(1);
    // A sent notification's empty reason shows as "none": Prometheus reads an empty label as an absent one.
    expect(
      samples.get(
        'signpost_notifications_total{receiver="on \\"call\\"\\\\x",channel="slack",result="sent",reason="none"}',
      ),
    ).toBe(2);
    expect(
      samples.get('signpost_notifications_total{receiver="desk",channel="email",result="failed",reason="smtp-5xx"}'),
    ).toBe(1);
    expect(samples.get('signpost_job_duration_seconds_sum{queue="fetch"}')).toBeCloseTo(1.5);
    expect(samples.get('signpost_job_duration_seconds_count{queue="fetch"}')).toBe(2);
    expect(samples.get('signpost_job_duration_seconds_bucket{queue="fetch",le="0.25"}')).toBe(0);
    expect(samples.get('signpost_job_duration_seconds_bucket{queue="fetch",le="0.5"}')).toBe(1);
    expect(samples.get('signpost_job_duration_seconds_bucket{queue="fetch",le="1"}')).toBe(2);
    expect(samples.get('signpost_job_duration_seconds_bucket{queue="fetch",le="+Inf"}')).toBe(2);
    expect([...samples.keys()].some((k) => k.includes('=""'))).toBe(false);
    expect([...samples.keys()].some((k) => k.startsWith('signpost_not_a_metric'))).toBe(false);
  });

  describe('counted by the jobs themselves', () => {
    let queues: Queues;
    let ctx: JobContext;
    beforeAll(async () => {
      // prettier-ignore
      const watchbook: Watchbook = {
        ...WATCHBOOK,
        watch: { ...WATCHBOOK.watch, allowPrivate: true },
        sources: [...WATCHBOOK.sources, { id: 'dead-feed', type: 'rss', url: `http://127.0.0.1:${await closedPort()}/feed.xml`, everyMs: 600_000, credibility: 0.8, lang: 'en', tags: [] }],
        rules: [{ id: 'troops-move', indicator: 'troops', fields: ['title'], match: 'troops', evidence: { risk: 1 }, severity: 'low' }],
      };
      queues = openQueues(h.redis, h.prefix);
      ctx = {
        live: new Live(watchbook),
        store: h.store,
        queues,
        fetcher: new Fetcher({ minDelayMs: 0, allow: 'loopback' }),
        log: pino({ level: 'silent' }),
        now: Date.now,
      };
    });
    afterAll(async () => queues.close());

    it('scoreItems counts new and duplicate items per source and matches per rule; fetchSource counts a failed fetch by reason', async () => {
      const items = [
        item('k1', 'Troops cross the river'),
        item('k2', 'Weather is calm'),
        item('k3', 'More troops arrive'),
      ];
      await scoreItems(job<ScoreJob>('s1', { source: 'good-feed', items }), ctx);
      await scoreItems(
        job<ScoreJob>('s2', { source: 'good-feed', items: [...items.slice(0, 2), item('k4', 'Quiet day')] }),
        ctx,
      );
      const outcome = await fetchSource(job<FetchJob>('f1', { source: 'dead-feed' }), ctx);
      expect(outcome.status).toBe('failed');

      const { samples } = await scrape(h);
      // items_total{kind="new"} counts items never seen before, not every item handed to scoring.
      expect(samples.get('signpost_items_total{source="good-feed",kind="new"}')).toBe(4);
      expect(samples.get('signpost_items_scored_total{source="good-feed",kind="new"}')).toBe(4);
      expect(samples.get('signpost_items_scored_total{source="good-feed",kind="duplicate"}')).toBe(2);
      expect(samples.get('signpost_matches_total{rule="troops-move"}')).toBe(2);
      expect(samples.get(`signpost_fetches_total{source="dead-feed",result="${outcome.reason}"}`)).toBe(1);
      expect(samples.get('signpost_job_duration_seconds_count{queue="score"}')).toBe(2);
      expect(samples.get('signpost_job_duration_seconds_bucket{queue="score",le="+Inf"}')).toBe(2);
      expect(samples.get('signpost_job_duration_seconds_count{queue="fetch"}')).toBe(3); // 2 added by hand above
      expect(samples.get('signpost_job_duration_seconds_sum{queue="score"}')).toBeGreaterThan(0);
    });

    it('counts a score job at its event, once: the same job run again (a retry) counts nothing more', async () => {
      const items = [item('r1', 'Troops seen again'), item('r2', 'Calm day')];
      await scoreItems(job<ScoreJob>('retried', { source: 'retry-feed', items }), ctx);
      await scoreItems(job<ScoreJob>('retried', { source: 'retry-feed', items }), ctx);
      const { samples } = await scrape(h);
      expect(samples.get('signpost_items_total{source="retry-feed",kind="new"}')).toBe(2);
      expect(samples.get('signpost_items_scored_total{source="retry-feed",kind="duplicate"}')).toBe(0); // the rerun's 2 not counted
    });

    it('a job whose counters cannot be written still succeeds', async () => {
      const failing: Store = Object.create(h.store, {
        incrementCounters: { value: () => Promise.reject(new Error('redis away')) },
      }) as Store;
      const result = await scoreItems(
        job<ScoreJob>('s3', { source: 'good-feed', items: [item('k9', 'troops again')] }),
        { ...ctx, store: failing },
      );
      expect(result.fresh).toBe(1);
    });
  });
});
