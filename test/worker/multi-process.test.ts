import { Queue } from 'bullmq';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RedisConnection } from '../../src/queue/index.js';
import { RedisStore, storeKeys } from '../../src/store/index.js';
import { expectedFor, type Expected } from './helpers/expected.js';
import { FeedFixture, type FeedEntry, type FixtureSource } from './helpers/feeds.js';
import {
  killAll,
  logsWith,
  pidOfConnection,
  signalAndWait,
  spawnWorker,
  type WorkerProcess,
} from './helpers/processes.js';
import { deleteUnder, keysUnder, randomPrefix, REDIS_URL, testRedis, until } from './helpers/redis.js';
import { langOf, makeWatchbookDir, shippedTestItems, type WatchbookDir } from './helpers/watchbook.js';

// Two `signpost worker` processes (the built binary) on real Redis and loopback feeds: they share the work
// without processing anything twice, and when one is SIGKILLed in the middle of a fetch, the other picks
// its job up after BullMQ's stall detection and nothing is lost or doubled. The expected evidence is
// computed in-process by the same core (parse, items, Matcher) on the same feed text.

/** How long a worker may take to exit after SIGTERM: the worker's shutdown grace (20 s) and some. */
const STOP_WITHIN_MS = 25_000;

interface Run {
  prefix: string;
  fixture?: FeedFixture;
  book?: WatchbookDir;
  workers: WorkerProcess[];
}

let redis: RedisConnection;
let run: Run | undefined;

beforeAll(async () => {
  redis = testRedis();
  await redis.ping();
  return () => {
    redis.disconnect();
  };
});

afterEach(async () => {
  if (!run) return;
  await killAll(run.workers);
  await run.fixture?.close();
  run.book?.remove();
  await deleteUnder(redis, run.prefix);
  expect(await keysUnder(redis, run.prefix)).toEqual([]);
  run = undefined;
});

/**
 * Feeds for sources of the given languages: the shipped rule tests' items (positives and negatives) dealt
 * out round-robin to the sources of their language, each with its own GUID and a date in the last day.
 */
function feeds(sources: readonly { id: string; lang: 'en' | 'uk' | 'ru' }[]): Map<string, FeedEntry[]> {
  const { positive, negative } = shippedTestItems();
  const out = new Map<string, FeedEntry[]>(sources.map((s) => [s.id, []]));
  const turn = new Map<string, number>();
  const now = Date.now();
  [...positive, ...negative].forEach((t, i) => {
    const lang = langOf(t.title);
    const mine = sources.filter((s) => s.lang === lang);
    const pool = mine.length ? mine : sources;
    const k = turn.get(lang) ?? 0;
    turn.set(lang, k + 1);
    const source = pool[k % pool.length]!;
    const entries = out.get(source.id)!;
    entries.push({
      guid: `${source.id}-${entries.length}`,
      title: t.title,
      ...(t.summary && { summary: t.summary }),
      link: `http://news.example.org/${source.id}/${entries.length}`,
      published: new Date(now - (i + 1) * 60_000),
    });
  });
  return out;
}

async function setUp(
  specs: readonly { id: string; lang: 'en' | 'uk' | 'ru'; holdMs?: (n: number) => number }[],
): Promise<{ run: Run; expected: Expected; store: RedisStore }> {
  const r: Run = { prefix: randomPrefix(), workers: [] };
  run = r;
  const entries = feeds(specs);
  const fixtureSources: FixtureSource[] = specs.map((s) => ({
    id: s.id,
    entries: entries.get(s.id)!,
    ...(s.holdMs && { holdMs: s.holdMs }),
  }));
  r.fixture = await FeedFixture.start(fixtureSources);
  const fixture = r.fixture;
  r.book = makeWatchbookDir(specs.map((s) => ({ id: s.id, url: fixture.url(s.id), every: '1s', lang: s.lang })));
  const expected = await expectedFor(
    r.book.dir,
    new Map(specs.map((s) => [s.id, { url: fixture.url(s.id), entries: entries.get(s.id)! }])),
  );
  // The feeds must hold both kinds of item, or "none lost, none doubled" would say little.
  expect(expected.allEvidence.size).toBeGreaterThanOrEqual(50);
  expect(
    expected.allItems - new Set([...expected.allEvidence].map((id) => id.slice(0, id.lastIndexOf('|')))).size,
  ).toBeGreaterThanOrEqual(40);
  return { run: r, expected, store: new RedisStore(redis, { prefix: r.prefix }) };
}

function start(r: Run, name: string): WorkerProcess {
  const w = spawnWorker(name, { config: r.book!.dir, prefix: r.prefix, redisUrl: REDIS_URL });
  r.workers.push(w);
  return w;
}

/** Evidence ids in the store (every publishedAt). */
async function evidenceIds(store: RedisStore): Promise<string[]> {
  return (await store.listEvidence(-Infinity, Infinity)).map((e) => e.id);
}

/**
 * Once the score queue has drained: every expected evidence recorded once, and each item new exactly once
 * across the processes (their logs) and in the seen-set.
 */
async function expectEachRecordedOnce(
  score: Queue,
  store: RedisStore,
  expected: Expected,
  workers: WorkerProcess[],
  redis: RedisConnection,
  prefix: string,
): Promise<void> {
  await until(
    'the score queue to drain',
    async () => {
      const c = await score.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(c).every((n) => n === 0) ? true : undefined;
    },
    15_000,
  );
  const recorded = await evidenceIds(store);
  expect(new Set(recorded).size, 'evidence ids are unique').toBe(recorded.length);
  expect(new Set(recorded)).toEqual(expected.allEvidence);
  expect(scored(workers, 'fresh')).toBe(expected.allItems);
  expect(await redis.zcard(storeKeys(prefix).seen)).toBe(expected.allItems);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const scored = (ws: WorkerProcess[], field: 'fresh' | 'evidence') =>
  sum(ws.flatMap((w) => logsWith(w, 'Items scored').map((l) => Number(l[field]))));
const fetched = (w: WorkerProcess, source?: string) =>
  logsWith(w, 'Source fetched', source ? { source_id: source } : {}).length;

function describeState(r: Run, store: RedisStore, expected: Expected): () => Promise<string> {
  return async () => {
    const ids = await evidenceIds(store);
    const errors = r.workers.flatMap((w) =>
      w.logs.filter((l) => (l.level ?? 0) >= 40).map((l) => `${w.name}: ${l.msg} ${JSON.stringify(l)}`),
    );
    return `evidence ${ids.length}/${expected.allEvidence.size}; fetched ${r.workers.map((w) => `${w.name}=${fetched(w)}`).join(' ')}; warnings ${errors.slice(0, 5).join(' | ') || 'none'}; stderr ${r.workers.map((w) => w.text.slice(-3).join(' / ')).join(' | ')}`;
  };
}

describe('two signpost worker processes on one Redis', () => {
  it('share the work: every (item, rule) evidence recorded exactly once, both processes fetch, each tick slot runs once', async () => {
    const {
      run: r,
      expected,
      store,
    } = await setUp([
      { id: 'wire-en', lang: 'en' },
      { id: 'news-en', lang: 'en' },
      { id: 'news-uk', lang: 'uk' },
      { id: 'news-ru', lang: 'ru' },
    ]);
    const ids = () => [...expected.watchbook.sources.map((s) => s.id)];
    const startedAt = Date.now();
    const a = start(r, 'a');
    const b = start(r, 'b');
    const state = describeState(r, store, expected);

    await until(
      'every expected evidence in Redis',
      async () => ((await evidenceIds(store)).length >= expected.allEvidence.size ? true : undefined),
      30_000,
      { intervalMs: 200, describe: state },
    );
    // Both take fetch jobs: each source is due every second and the tick (every 5 s) enqueues them all.
    await until('both processes to have fetched', () => (fetched(a) > 0 && fetched(b) > 0 ? true : undefined), 30_000, {
      intervalMs: 200,
      describe: state,
    });
    // Every source polled twice more after that: repeated polls of the same feeds must record nothing new.
    const polled = new Map(ids().map((id) => [id, r.fixture!.count(id)]));
    await until(
      'two more polls of every source',
      () => (ids().every((id) => r.fixture!.count(id) >= polled.get(id)! + 2) ? true : undefined),
      30_000,
      { intervalMs: 200, describe: state },
    );
    // The last score jobs enqueued by those polls are done (they find nothing new, but must not be cut off).
    const score = new Queue('score', { connection: redis, prefix: r.prefix });
    const tickQueue = new Queue('tick', { connection: redis, prefix: r.prefix });
    try {
      await expectEachRecordedOnce(score, store, expected, [a, b], redis, r.prefix);
      // Each item's evidence was written by the one run that found it new.
      expect(scored([a, b], 'evidence')).toBe(expected.allEvidence.size);
      // A source is never fetched by both at once (the fetch job's deduplication id), and both did work.
      for (const id of ids()) expect(r.fixture!.maxInFlight(id), id).toBe(1);
      const split = {
        a: fetched(a),
        b: fetched(b),
        scoredByA: logsWith(a, 'Items scored').length,
        scoredByB: logsWith(b, 'Items scored').length,
      };
      console.info(
        `multi-process: fetches a=${split.a} b=${split.b}; batches with new items scored a=${split.scoredByA} b=${split.scoredByB}`,
      );
      expect(split.a).toBeGreaterThan(0);
      expect(split.b).toBeGreaterThan(0);
      // Both processes fire the tick every 5 s; its job id is the slot, so Redis holds one per slot. (The
      // tick queue also carries wake jobs, alert groups decided again when their wait ends: not ticks.)
      const ticks = (await tickQueue.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed'])).filter(
        (j) => j.name === 'tick',
      );
      const slots = Math.ceil((Date.now() - startedAt) / 5_000) + 1;
      expect(ticks.length).toBeGreaterThan(0);
      expect(ticks.length).toBeLessThanOrEqual(slots);
      // No job of the tick queue failed, tick or wake.
      expect((await tickQueue.getJobCounts('failed')).failed).toBe(0);
      const health = await store.allHealth();
      expect(health.map((h) => h.source).sort()).toEqual(ids().sort());
      expect(health.every((h) => h.consecutiveFailures === 0 && h.lastSuccessAt !== undefined)).toBe(true);
    } finally {
      await score.close();
      await tickQueue.close();
    }

    const [ea, eb] = await Promise.all([
      signalAndWait(a, 'SIGTERM', STOP_WITHIN_MS),
      signalAndWait(b, 'SIGTERM', STOP_WITHIN_MS),
    ]);
    expect(ea).toMatchObject({ code: 0, signal: null });
    expect(eb).toMatchObject({ code: 0, signal: null });
    expect(a.logs.some((l) => l.msg === 'Worker stopped')).toBe(true);
    expect(b.logs.some((l) => l.msg === 'Worker stopped')).toBe(true);
  }, 100_000);

  it('a worker SIGKILLed mid-fetch: the other picks the job up after stall detection; nothing lost, nothing doubled', async () => {
    // The slow source holds its first response open, after the head of the body, for 20 s (under the
    // fetcher's 30 s timeout); later requests get it at once.
    const {
      run: r,
      expected,
      store,
    } = await setUp([
      { id: 'fast-en', lang: 'en' },
      { id: 'fast-uk', lang: 'uk' },
      { id: 'fast-ru', lang: 'ru' },
      { id: 'slow-en', lang: 'en', holdMs: (n) => (n === 0 ? 20_000 : 0) },
    ]);
    const slowItems = expected.items.get('slow-en')!.length;
    const slowEvidence = expected.evidence.get('slow-en')!;
    expect(slowEvidence.size).toBeGreaterThan(5);
    const a = start(r, 'a');
    const b = start(r, 'b');
    const state = describeState(r, store, expected);

    // The slow fetch is in flight, everything else has been scored and no score job is running: whoever
    // holds the slow request now is in the middle of a fetch, and of no score job.
    const request = await until('the slow request in flight', () => r.fixture!.inFlight('slow-en')[0], 20_000, {
      intervalMs: 50,
      describe: state,
    });
    const others = new Set([...expected.allEvidence].filter((id) => !slowEvidence.has(id)));
    const scoreQueue = new Queue('score', { connection: redis, prefix: r.prefix });
    try {
      await until(
        'the fast sources scored, and no score job running',
        async () => {
          const have = new Set(await evidenceIds(store));
          if (![...others].every((id) => have.has(id))) return undefined;
          const c = await scoreQueue.getJobCounts('waiting', 'active');
          return (c.waiting ?? 0) + (c.active ?? 0) === 0 ? true : undefined;
        },
        15_000,
        { intervalMs: 100, describe: state },
      );
    } finally {
      await scoreQueue.close();
    }
    expect(request.finished || request.aborted, 'the slow request is still open').toBe(false);
    expect((await evidenceIds(store)).filter((id) => slowEvidence.has(id))).toEqual([]);

    const pid = pidOfConnection(request.clientPort, r.fixture!.port('slow-en'), [a.pid, b.pid]);
    expect(pid, 'a worker process holds the slow request').toBeDefined();
    const [victim, survivor] = pid === a.pid ? [a, b] : [b, a];
    const killedAt = Date.now();
    const killed = await signalAndWait(victim, 'SIGKILL', 5_000);
    expect(killed.signal).toBe('SIGKILL');
    await until('the slow request to be cut off', () => (request.aborted ? true : undefined), 5_000, {
      intervalMs: 20,
    });
    expect(request.finished).toBe(false);
    expect(fetched(victim, 'slow-en')).toBe(0);

    // BullMQ moves the dead worker's job back to wait once its lock (30 s) has expired and a stall check
    // (every 30 s) has seen it: up to about a minute. The fetch scores the feed before it records the source
    // fetched and logs it, so the evidence is in before the log line: both are waited for.
    await until(
      'the slow source scored by the survivor, and its fetch logged',
      async () => {
        const have = new Set(await evidenceIds(store));
        return [...slowEvidence].every((id) => have.has(id)) && fetched(survivor, 'slow-en') > 0 ? true : undefined;
      },
      90_000,
      { intervalMs: 250, describe: state },
    );
    const recoveredAfterMs = Date.now() - killedAt;
    expect(fetched(survivor, 'slow-en')).toBeGreaterThan(0);
    // A few more polls of the slow source: nothing new may come of them.
    const polled = r.fixture!.count('slow-en');
    await until(
      'two more polls of the slow source',
      () => (r.fixture!.count('slow-en') >= polled + 2 ? true : undefined),
      20_000,
      { intervalMs: 200, describe: state },
    );
    const score = new Queue('score', { connection: redis, prefix: r.prefix });
    const fetch = new Queue('fetch', { connection: redis, prefix: r.prefix });
    try {
      await expectEachRecordedOnce(score, store, expected, [a, b], redis, r.prefix);
      expect(scored([survivor], 'fresh')).toBeGreaterThanOrEqual(slowItems);
      // The stalled fetch went back to wait and ran again; it did not fail.
      expect((await fetch.getJobCounts('failed')).failed).toBe(0);
      expect((await score.getJobCounts('failed')).failed).toBe(0);
      for (const id of expected.watchbook.sources.map((s) => s.id)) expect(r.fixture!.maxInFlight(id), id).toBe(1);
      console.info(
        `multi-process: killed ${victim.name} mid-fetch; ${survivor.name} recorded the slow source's ${slowEvidence.size} evidence ${Math.round(recoveredAfterMs / 1000)} s later`,
      );
    } finally {
      await score.close();
      await fetch.close();
    }

    const stopped = await signalAndWait(survivor, 'SIGTERM', STOP_WITHIN_MS);
    expect(stopped).toMatchObject({ code: 0, signal: null });
  }, 150_000);
});
