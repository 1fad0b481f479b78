// Worker benchmark: end-to-end new items/s through Redis with one and with two `signpost worker` processes
// (the built binary, dist/src/cli/main.js), next to the in-process core on the same input.
//
//   npm run build && npm run bench:worker     progress on stderr; the last line of stdout is one JSON object
//   BENCH_SOURCES=20 BENCH_ITEMS=250 BENCH_RUNS=1 BENCH_PASSES=2 npm run bench:worker
//
// Needs Redis (REDIS_URL, default redis://127.0.0.1:6379); every run uses its own key prefix and deletes
// its keys afterwards.
//
// Input: BENCH_SOURCES loopback feed servers (one per source: the fetcher's politeness is per host:port),
// each serving one RSS feed of BENCH_ITEMS items of about 1 KB (bench/worker-corpus.ts), every 10th a
// positive of the shipped rule tests; the watchbook is the shipped one (rules, scenarios, indicators) with
// these sources, polled every hour, so each run fetches each source once.
//
// Worker runs ("1", "2"): from spawning the processes until every item is scored. Completion is observed
// in Redis: every source's health shows a successful fetch (the fetch job enqueues its score job before it
// writes health), and the score queue has no job waiting, active or delayed and one completed per source.
// Then the seen-set must hold every item and the evidence must be exactly the expected set, else the run
// is reported as wrong. items_per_s counts from the spawn (node start-up included);
// items_per_s_from_ready from the first "Worker started" log line (Redis connected, schedule reconciled).
// The processes run as shipped: the tick every 5 s (the first at start), fetch concurrency 8, score
// concurrency 1, and 1 s between two requests to one host (robots.txt, then the feed).
//
// Core ("core_*"), in this process, on the code that ships (dist/, as the workers run it):
//   core_items_per_s        evaluateItems on the already-parsed Items, batch by batch, on a MemoryStore
//   core_poll_items_per_s   pollSource (HTTP from the same servers, no politeness pause) + evaluateItems,
//                           source after source, on a MemoryStore
//   core_redis_items_per_s  evaluateItems on the parsed Items on a RedisStore: the store's share, without
//                           BullMQ and processes
//   core_match_items_per_s  Matcher.match alone on the parsed Items: the rules' share of evaluateItems
// Best of BENCH_PASSES passes after a warm-up (two batches).

import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type * as ConfigModule from '../src/config/index.js';
import type * as FetchModule from '../src/fetch/index.js';
import type { Item } from '../src/model/item.js';
import type { Watchbook } from '../src/model/watchbook.js';
import type * as EvaluateModule from '../src/pipeline/evaluate.js';
import type * as PollModule from '../src/pipeline/poll.js';
import type * as RulesModule from '../src/rules/index.js';
import type * as StoreModule from '../src/store/index.js';
import { expectedFor } from '../test/worker/helpers/expected.js';
import { FeedFixture } from '../test/worker/helpers/feeds.js';
import { killAll, logsWith, MAIN_JS, signalAndWait, spawnWorker, type WorkerProcess } from '../test/worker/helpers/processes.js';
import { deleteUnder, randomPrefix, REDIS_URL } from '../test/worker/helpers/redis.js';
import { makeWatchbookDir } from '../test/worker/helpers/watchbook.js';
import { sourceId, workerCorpus } from './worker-corpus.js';

const env = (name: string, fallback: number) => {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : Number(v);
};
const SOURCES = env('BENCH_SOURCES', 20);
const PER_SOURCE = env('BENCH_ITEMS', 250);
const RUNS = env('BENCH_RUNS', 1);
const PASSES = env('BENCH_PASSES', 2);
const RUN_TIMEOUT_MS = env('BENCH_RUN_TIMEOUT_MS', 180_000);

const log = (msg: string) => process.stderr.write(`${msg}\n`);
const round = (n: number) => Math.round(n);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The code that ships, as the worker processes run it (tsx's transform of src/ is slower: bench/build.ts).
const dist = (path: string) => new URL(`../dist/src/${path}`, import.meta.url).href;
async function loadCore() {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run \`npm run build\` first`);
  return {
    config: (await import(dist('config/index.js'))) as typeof ConfigModule,
    fetch: (await import(dist('fetch/index.js'))) as typeof FetchModule,
    evaluate: (await import(dist('pipeline/evaluate.js'))) as typeof EvaluateModule,
    poll: (await import(dist('pipeline/poll.js'))) as typeof PollModule,
    rules: (await import(dist('rules/index.js'))) as typeof RulesModule,
    store: (await import(dist('store/index.js'))) as typeof StoreModule,
  };
}
type Core = Awaited<ReturnType<typeof loadCore>>;

interface WorkerRun {
  processes: number;
  seconds: number;
  secondsFromReady: number;
  itemsPerS: number;
  itemsPerSFromReady: number;
  fetches: number[];
  scoreJobs: number[];
  correct: boolean;
}

async function workerRun(processes: number, ctx: { core: Core; redis: Redis; configDir: string; items: number; evidence: Set<string> }): Promise<WorkerRun> {
  const prefix = randomPrefix('bench-worker');
  const keys = ctx.core.store.storeKeys(prefix);
  const score = new Queue('score', { connection: ctx.redis, prefix });
  const workers: WorkerProcess[] = [];
  try {
    const t0 = Date.now();
    for (let i = 0; i < processes; i++) workers.push(spawnWorker(`w${i + 1}`, { config: ctx.configDir, prefix, redisUrl: REDIS_URL }));
    let lastReport = t0;
    let done = 0;
    for (;;) {
      const dead = workers.find((w) => w.exited());
      if (dead) throw new Error(`worker ${dead.name} exited early: ${JSON.stringify(dead.exited())} ${dead.text.slice(-5).join(' / ')}`);
      const health = Object.values(await ctx.redis.hgetall(keys.health)).map((v) => JSON.parse(v) as { lastSuccessAt?: number; consecutiveFailures: number });
      const fetchedAll = health.length === SOURCES && health.every((h) => h.lastSuccessAt !== undefined);
      if (health.some((h) => h.consecutiveFailures > 0)) throw new Error(`a source failed: ${JSON.stringify(await ctx.redis.hgetall(keys.health))}`);
      if (fetchedAll) {
        const c = await score.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed');
        const n = (k: string) => c[k] ?? 0;
        if (n('failed') > 0) throw new Error(`${n('failed')} score job(s) failed`);
        if (n('waiting') + n('active') + n('delayed') + n('prioritized') === 0 && n('completed') >= SOURCES) {
          done = Date.now();
          break;
        }
      }
      if (Date.now() - lastReport >= 1000) {
        lastReport = Date.now();
        log(`  ${processes} process(es), ${((lastReport - t0) / 1000).toFixed(0)} s: ${health.filter((h) => h.lastSuccessAt !== undefined).length}/${SOURCES} sources fetched, ${await ctx.redis.zcard(keys.seen)}/${ctx.items} items seen`);
      }
      if (Date.now() - t0 > RUN_TIMEOUT_MS) throw new Error(`run with ${processes} process(es) did not finish within ${RUN_TIMEOUT_MS} ms`);
      await sleep(20);
    }
    const ready = Math.min(...workers.map((w) => Number(logsWith(w, 'Worker started')[0]?.time ?? t0)));
    const seenCount = await ctx.redis.zcard(keys.seen);
    const evidenceIds = await ctx.redis.hkeys(keys.evidence);
    const correct = seenCount === ctx.items && evidenceIds.length === ctx.evidence.size && evidenceIds.every((id) => ctx.evidence.has(id));
    if (!correct) log(`  WRONG: ${seenCount}/${ctx.items} items seen, ${evidenceIds.length}/${ctx.evidence.size} evidence`);
    const seconds = (done - t0) / 1000;
    const secondsFromReady = (done - ready) / 1000;
    const run: WorkerRun = {
      processes,
      seconds,
      secondsFromReady,
      itemsPerS: ctx.items / seconds,
      itemsPerSFromReady: ctx.items / secondsFromReady,
      fetches: workers.map((w) => logsWith(w, 'Source fetched').length),
      scoreJobs: workers.map((w) => logsWith(w, 'Items scored').length),
      correct,
    };
    for (const w of workers) {
      const exit = await signalAndWait(w, 'SIGTERM', 25_000);
      if (exit.code !== 0) log(`  worker ${w.name} exited ${JSON.stringify(exit)}`);
    }
    return run;
  } finally {
    await killAll(workers);
    await score.close();
    await deleteUnder(ctx.redis, prefix);
  }
}

/** Best (shortest) of `passes` timed passes after a warm-up (`warm`, or one pass); seconds. */
async function best(passes: number, pass: () => Promise<void>, warm: () => Promise<void> = pass): Promise<number> {
  await warm();
  let min = Infinity;
  for (let i = 0; i < passes; i++) {
    const t = performance.now();
    await pass();
    min = Math.min(min, (performance.now() - t) / 1000);
  }
  return min;
}

async function coreRuns(core: Core, wb: Watchbook, batches: Item[][], fixture: FeedFixture, redis: Redis, items: number) {
  const matcher = new core.rules.Matcher(wb.rules);
  // Warm-up: two batches through everything, so the JIT has seen the code before the timing starts.
  const warm = async () => {
    const store = new core.store.MemoryStore();
    for (const batch of batches.slice(0, 2)) await core.evaluate.evaluateItems(batch, wb, matcher, store, Date.now());
  };
  const matchOnly = await best(PASSES, () => {
    for (const batch of batches) for (const item of batch) matcher.match(item);
    return Promise.resolve();
  });
  log(`  core, Matcher.match alone: ${round(items / matchOnly)} items/s`);
  const evaluateOnly = await best(PASSES, async () => {
    const store = new core.store.MemoryStore();
    for (const batch of batches) await core.evaluate.evaluateItems(batch, wb, matcher, store, Date.now());
  }, warm);
  log(`  core, evaluateItems on parsed items (MemoryStore): ${round(items / evaluateOnly)} items/s`);
  const withPoll = await best(PASSES, async () => {
    const store = new core.store.MemoryStore();
    const fetcher = new core.fetch.Fetcher({ minDelayMs: 0 });
    for (const source of wb.sources) {
      const result = await core.poll.pollSource(source, { fetcher, allowPrivate: true });
      if (result.status !== 'ok') throw new Error(`${source.id}: ${result.status}`);
      await core.evaluate.evaluateItems(result.items, wb, matcher, store, Date.now());
    }
  }, warm);
  log(`  core, pollSource + evaluateItems (MemoryStore): ${round(items / withPoll)} items/s (${fixture.requests.length} feed requests so far)`);
  const prefixes: string[] = [];
  const withRedis = await best(PASSES, async () => {
    const prefix = randomPrefix('bench-core');
    prefixes.push(prefix);
    const store = new core.store.RedisStore(redis, { prefix });
    for (const batch of batches) await core.evaluate.evaluateItems(batch, wb, matcher, store, Date.now());
  }, warm);
  for (const p of prefixes) await deleteUnder(redis, p);
  log(`  core, evaluateItems on parsed items (RedisStore, in process): ${round(items / withRedis)} items/s`);
  return { matchOnly, evaluateOnly, withPoll, withRedis };
}

async function main(): Promise<void> {
  const core = await loadCore();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new Error(`bench:worker needs Redis at ${REDIS_URL}: ${(err as Error).message}`);
  }
  const corpus = workerCorpus(SOURCES, PER_SOURCE);
  const fixture = await FeedFixture.start([...corpus.feeds].map(([id, entries]) => ({ id, entries })));
  const ids = [...Array(SOURCES).keys()].map(sourceId);
  const book = makeWatchbookDir(ids.map((id) => ({ id, url: fixture.url(id), every: '1h' })));
  try {
    const expected = await expectedFor(book.dir, new Map(ids.map((id) => [id, { url: fixture.url(id), entries: corpus.feeds.get(id)! }])));
    if (expected.allItems !== corpus.items) throw new Error(`expected ${corpus.items} items, the feeds make ${expected.allItems}`);
    const matched = new Set([...expected.allEvidence].map((id) => id.slice(0, id.lastIndexOf('|')))).size;
    log(`bench:worker: ${SOURCES} sources x ${PER_SOURCE} items = ${corpus.items} items, ${round(corpus.meanBytes)} B each on average; ${matched} items match, ${expected.allEvidence.size} evidence`);

    const wb = core.config.loadWatchbookOrThrow(book.dir, {});
    const batches = ids.map((id) => expected.items.get(id)!);
    log('core (in process, dist/):');
    const c = await coreRuns(core, wb, batches, fixture, redis, corpus.items);

    const runs: Record<string, WorkerRun[]> = { '1': [], '2': [] };
    for (let r = 0; r < RUNS; r++) {
      for (const processes of [1, 2]) {
        log(`worker processes: ${processes} (run ${r + 1} of ${RUNS})`);
        const run = await workerRun(processes, { core, redis, configDir: book.dir, items: corpus.items, evidence: expected.allEvidence });
        log(`  ${processes}: ${run.seconds.toFixed(2)} s from spawn (${run.secondsFromReady.toFixed(2)} s from ready): ${round(run.itemsPerS)} items/s; fetches per process ${run.fetches.join('/')}, score jobs with new items ${run.scoreJobs.join('/')}${run.correct ? '' : '; WRONG RESULT'}`);
        runs[String(processes)]!.push(run);
      }
    }
    const bestRun = (k: string) => runs[k]!.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const result = {
      bench: 'worker',
      sources: SOURCES,
      items_per_source: PER_SOURCE,
      items: corpus.items,
      item_bytes: round(corpus.meanBytes),
      evidence: expected.allEvidence.size,
      runs: RUNS,
      correct: Object.values(runs).every((rs) => rs.every((x) => x.correct)),
      items_per_s: { '1': round(bestRun('1').itemsPerS), '2': round(bestRun('2').itemsPerS) },
      items_per_s_from_ready: { '1': round(bestRun('1').itemsPerSFromReady), '2': round(bestRun('2').itemsPerSFromReady) },
      seconds: { '1': Number(bestRun('1').seconds.toFixed(3)), '2': Number(bestRun('2').seconds.toFixed(3)) },
      fetches_per_process: { '1': bestRun('1').fetches, '2': bestRun('2').fetches },
      score_jobs_per_process: { '1': bestRun('1').scoreJobs, '2': bestRun('2').scoreJobs },
      core_items_per_s: round(corpus.items / c.evaluateOnly),
      core_match_items_per_s: round(corpus.items / c.matchOnly),
      core_poll_items_per_s: round(corpus.items / c.withPoll),
      core_redis_items_per_s: round(corpus.items / c.withRedis),
    };
    console.log(JSON.stringify(result));
  } finally {
    await fixture.close();
    book.remove();
    redis.disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(`bench:worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
