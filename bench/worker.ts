// Worker benchmark: end-to-end new items/s through Redis with one and with two `signpost worker` processes
// (the built binary, dist/jobs/main.js), next to the in-process core on the same input.
//
//   npm run build && npm run bench:worker     progress on stderr; the last line of stdout is one JSON object
//   BENCH_SOURCES=20 BENCH_ITEMS=250 BENCH_RUNS=1 BENCH_PASSES=5 npm run bench:worker
//   BENCH_RUNS=0 npm run bench:worker     the core only: no worker process is started, and the JSON line
//                                         has the core_* figures without the worker runs' fields
//
// Needs Redis (REDIS_URL, default redis://127.0.0.1:6379); every run uses its own key prefix and deletes
// its keys afterwards.
//
// Input: BENCH_SOURCES loopback feed servers (one per source: the fetcher's politeness is per host:port),
// each serving one RSS feed of BENCH_ITEMS items of about 1 KB (bench/worker-corpus.ts), every 10th a
// positive of the shipped rule tests; the watchbook is the shipped one (rules, scenarios, indicators) with
// these sources, polled every hour; each run takes the feeds once cold and once more warm
// (bench/lib/worker-run.ts).
//
// Worker runs ("1", "2"): from spawning the processes until every item is scored. Completion is observed
// in Redis: every source's health shows a successful fetch (the fetch job enqueues its score job before it
// writes health), and the score queue has no job waiting, active or delayed and one completed per source.
// Then the seen-set must hold every item and the evidence must be exactly the expected set, else the run
// is reported as wrong. items_per_s counts from the spawn (node start-up included);
// items_per_s_from_ready from the first "Worker started" log line (Redis connected, schedule reconciled);
// items_per_s_warm is the second round's (every feed moved on to new items and due again), from its first
// feed request until its last item is scored: the processes running on, as the core's figures are warm;
// cpu_us_per_item_warm what that round cost per item, in the worker processes together and in Redis
// (1e6 / core_poll_items_per_s is what parsing and scoring an item cost in process, for comparison).
// The processes run as shipped: the tick every 5 s (the first at start), fetch concurrency 32, score
// concurrency 2, and 1 s between two requests to one host (robots.txt, then the feed).
//
// Core ("core_*"), in this process, on the code that ships (dist/, as the workers run it):
//   core_items_per_s        evaluateItems on the already-parsed Items, batch by batch, on a MemoryStore
//   core_poll_items_per_s   pollSource (HTTP from the same servers, no politeness pause) + evaluateItems,
//                           source after source, on a MemoryStore
//   core_redis_items_per_s  evaluateItems on the parsed Items on a RedisStore: the store's share, without
//                           BullMQ and processes
//   core_match_items_per_s  Matcher.match alone on the parsed Items: the rules' share of evaluateItems
//   floor_cpu_us_per_item   CPU an item costs, in this process and in Redis, when the feeds are served,
//                           polled and stepped on a RedisStore with nothing between: the least a worker on
//                           Redis can spend (it also queues, delivers and keeps the unmatched items)
//   ceiling_items_per_s     what `cores` cores could make at that floor, all of them busy: no worker run
//                           on this machine can beat it, so the warm rates are read against it
// Best of BENCH_PASSES passes after a warm-up: one whole pass for the matcher and for evaluateItems on a
// MemoryStore (the two figures whose ratio the step's speed is judged by are warmed alike), two batches for
// the poll and Redis figures.

import { availableParallelism } from 'node:os';
import { Redis } from 'ioredis';
import type { Item } from '../src/model/item.js';
import type { Watchbook } from '../src/model/watchbook.js';
import type { FeedFixture } from '../test/worker/helpers/feeds.js';
import { deleteUnder, randomPrefix, REDIS_URL } from '../test/worker/helpers/redis.js';
import { best, env, loadCore, log, redisCpuMs, round, type Core } from './lib/common.js';
import { prepareThroughput, workerRun, type WorkerRun } from './lib/worker-run.js';

const SOURCES = env('BENCH_SOURCES', 20);
const PER_SOURCE = env('BENCH_ITEMS', 250);
const RUNS = env('BENCH_RUNS', 1);
const PASSES = env('BENCH_PASSES', 5);
const RUN_TIMEOUT_MS = env('BENCH_RUN_TIMEOUT_MS', 180_000);

async function coreRuns(
  core: Core,
  wb: Watchbook,
  batches: Item[][],
  fixture: FeedFixture,
  redis: Redis,
  items: number,
) {
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
  });
  log(`  core, evaluateItems on parsed items (MemoryStore): ${round(items / evaluateOnly)} items/s`);
  const withPoll = await best(
    PASSES,
    async () => {
      const store = new core.store.MemoryStore();
      const fetcher = new core.fetch.Fetcher({ minDelayMs: 0 });
      for (const source of wb.sources) {
        const result = await core.poll.pollSource(source, { fetcher, allowPrivate: true });
        if (result.status !== 'ok') throw new Error(`${source.id}: ${result.status}`);
        await core.evaluate.evaluateItems(result.items, wb, matcher, store, Date.now());
      }
    },
    warm,
  );
  log(
    `  core, pollSource + evaluateItems (MemoryStore): ${round(items / withPoll)} items/s (${fixture.requests.length} feed requests so far)`,
  );
  const prefixes: string[] = [];
  const withRedis = await best(
    PASSES,
    async () => {
      const prefix = randomPrefix('bench-core');
      prefixes.push(prefix);
      const store = new core.store.RedisStore(redis, { prefix });
      for (const batch of batches) await core.evaluate.evaluateItems(batch, wb, matcher, store, Date.now());
    },
    warm,
  );
  log(`  core, evaluateItems on parsed items (RedisStore, in process): ${round(items / withRedis)} items/s`);
  // The least any worker on Redis spends on an item: the feeds served, parsed and stepped on a RedisStore in
  // this process, with no queue, delivery or unmatched items between; CPU here (the feed servers run here
  // too) and in Redis, least of PASSES passes after one unmeasured.
  const floor = { process: Infinity, redis: Infinity };
  for (let pass = 0; pass <= PASSES; pass++) {
    const prefix = randomPrefix('bench-floor');
    prefixes.push(prefix);
    const store = new core.store.RedisStore(redis, { prefix });
    const fetcher = new core.fetch.Fetcher({ minDelayMs: 0 });
    const [cpuBefore, redisBefore] = [process.cpuUsage(), await redisCpuMs(redis)];
    for (const source of wb.sources) {
      const result = await core.poll.pollSource(source, { fetcher, allowPrivate: true });
      if (result.status !== 'ok') throw new Error(`${source.id}: ${result.status}`);
      await core.evaluate.evaluateItems(result.items, wb, matcher, store, Date.now());
    }
    const cpu = process.cpuUsage(cpuBefore);
    const redisMs = (await redisCpuMs(redis)) - redisBefore;
    if (pass === 0) continue;
    floor.process = Math.min(floor.process, (cpu.user + cpu.system) / items);
    floor.redis = Math.min(floor.redis, (redisMs * 1000) / items);
  }
  for (const p of prefixes) await deleteUnder(redis, p);
  log(`  floor of a worker on Redis: ${round(floor.process)} µs of CPU an item here, ${round(floor.redis)} in Redis`);
  return { matchOnly, evaluateOnly, withPoll, withRedis, floor };
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
  const input = await prepareThroughput(core, SOURCES, PER_SOURCE);
  const { corpus, expected } = input;
  try {
    const matched = new Set([...expected.allEvidence].map((id) => id.slice(0, id.lastIndexOf('|')))).size;
    log(
      `bench:worker: ${SOURCES} sources x ${PER_SOURCE} items = ${corpus.items} items, ${round(corpus.meanBytes)} B each on average; ${matched} items match, ${expected.allEvidence.size} evidence`,
    );

    log('core (in process, dist/):');
    const c = await coreRuns(core, input.watchbook, input.batches, input.fixture, redis, corpus.items);

    const runs: Record<string, WorkerRun[]> = { '1': [], '2': [] };
    for (let r = 0; r < RUNS; r++) {
      for (const processes of [1, 2]) {
        log(`worker processes: ${processes} (run ${r + 1} of ${RUNS})`);
        const run = await workerRun(processes, { core, redis, input, timeoutMs: RUN_TIMEOUT_MS });
        log(
          `  ${processes}: ${run.seconds.toFixed(2)} s from spawn (${run.secondsFromReady.toFixed(2)} s from ready): ${round(run.itemsPerS)} items/s; warm ${run.warmSeconds.toFixed(2)} s, ${round(run.warmItemsPerS)} items/s; fetches per process ${run.fetches.join('/')}, batches with new items scored ${run.batchesScored.join('/')}; warm CPU per item ${round(run.warmCpuUsPerItem.workers)} µs in the workers, ${round(run.warmCpuUsPerItem.redis)} µs in Redis${run.correct ? '' : '; WRONG RESULT'}`,
        );
        runs[String(processes)]!.push(run);
      }
    }
    const cpuOf = (run: WorkerRun) => ({
      workers: round(run.warmCpuUsPerItem.workers),
      redis: round(run.warmCpuUsPerItem.redis),
    });
    const bestRun = (k: string) => runs[k]!.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const workers =
      RUNS === 0
        ? {}
        : {
            runs: RUNS,
            correct: Object.values(runs).every((rs) => rs.every((x) => x.correct)),
            items_per_s: { '1': round(bestRun('1').itemsPerS), '2': round(bestRun('2').itemsPerS) },
            items_per_s_from_ready: {
              '1': round(bestRun('1').itemsPerSFromReady),
              '2': round(bestRun('2').itemsPerSFromReady),
            },
            items_per_s_warm: { '1': round(bestRun('1').warmItemsPerS), '2': round(bestRun('2').warmItemsPerS) },
            cpu_us_per_item_warm: { '1': cpuOf(bestRun('1')), '2': cpuOf(bestRun('2')) },
            seconds: { '1': Number(bestRun('1').seconds.toFixed(3)), '2': Number(bestRun('2').seconds.toFixed(3)) },
            fetches_per_process: { '1': bestRun('1').fetches, '2': bestRun('2').fetches },
            batches_scored_per_process: { '1': bestRun('1').batchesScored, '2': bestRun('2').batchesScored },
          };
    const result = {
      bench: 'worker',
      sources: SOURCES,
      items_per_source: PER_SOURCE,
      items: corpus.items,
      item_bytes: round(corpus.meanBytes),
      evidence: expected.allEvidence.size,
      ...workers,
      core_items_per_s: round(corpus.items / c.evaluateOnly),
      core_match_items_per_s: round(corpus.items / c.matchOnly),
      core_poll_items_per_s: round(corpus.items / c.withPoll),
      core_redis_items_per_s: round(corpus.items / c.withRedis),
      floor_cpu_us_per_item: { process: round(c.floor.process), redis: round(c.floor.redis) },
      cores: availableParallelism(),
      ceiling_items_per_s: round((availableParallelism() * 1e6) / (c.floor.process + c.floor.redis)),
    };
    console.log(JSON.stringify(result));
  } finally {
    await input.close();
    redis.disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(`bench:worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
