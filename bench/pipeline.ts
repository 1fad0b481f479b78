// Pipeline benchmark: throughput end to end, time from fetch to Slack, and 20,000 sources on a 5-minute
// schedule, all on loopback with real Redis and `signpost worker` processes (the built binary).
//
//   npm run build && npm run bench:pipeline     progress on stderr; the last line of stdout is one JSON object:
//   {"bench":"pipeline","core_items_per_s":n,"pipeline_items_per_s":{"1":n,"2":n},"efficiency":n,
//    "time_to_alert_ms":{"p50":n,"p95":n,"p99":n},"sources":n,"polls_per_s":n,"tick_lag_ms":{"p99":n},
//    "poll_period_error":n,"rss_mb":n,"redis_bytes_per_seen_item":n}
//
// Needs Redis (REDIS_URL, default redis://127.0.0.1:6379); every part uses its own key prefix and deletes
// its keys afterwards. About five minutes in all, most of it the scale window.
//
// - core_items_per_s: the floor. Parse the served feed text, normalize, dedupe and score (evaluateItems on
//   a MemoryStore) in this process, source after source, no queue; best of BENCH_PASSES after a warm-up.
// - pipeline_items_per_s: as many items through BullMQ and Redis with 1 and 2 `signpost worker` processes
//   running as shipped, scored and checked (bench/lib/worker-run.ts). The processes first take the feeds
//   cold (start-up, robots.txt and the 1 s politeness pause per host, a cold JIT: that round's rate is on
//   stderr); then every feed moves on to new items and falls due, and the figure is that warm round's, from
//   its first feed request until its last item is scored: running workers, as the floor is a warmed-up core.
//   Each source is served on a loopback server of its own, as real sources sit on hosts of their own: the
//   fetcher's politeness is per host:port, so the sources' pauses run side by side, not one after another.
//   efficiency: the 2-process figure over the floor.
// - time_to_alert_ms: bench/lib/time-to-alert.ts, over BENCH_ALERTS (250) alerts.
// - sources, polls_per_s, tick_lag_ms, poll_period_error, rss_mb: bench/lib/scale.ts. tick_lag_ms is the
//   steady state; the start-up's lag (every process reading robots.txt of each host) is on stderr.
// - redis_bytes_per_seen_item: MEMORY USAGE of the seen-set after the 2-process run over the items in it.
//
// BENCH_SOURCES, BENCH_ITEMS (throughput input), BENCH_ALERTS, BENCH_SCALE_SOURCES, BENCH_SCALE_HOSTS,
// BENCH_SCALE_WINDOW_S, BENCH_PROCESSES (time to alert and scale) change the sizes.

import { Redis } from 'ioredis';
import { REDIS_URL } from '../test/worker/helpers/redis.js';
import { best, env, loadCore, log, round, type Core } from './lib/common.js';
import { scale } from './lib/scale.js';
import { timeToAlert } from './lib/time-to-alert.js';
import { prepareThroughput, workerRun, type Throughput } from './lib/worker-run.js';

const SOURCES = env('BENCH_SOURCES', 20);
const PER_SOURCE = env('BENCH_ITEMS', 500);
const PASSES = env('BENCH_PASSES', 3);
const ALERTS = env('BENCH_ALERTS', 250);
const PROCESSES = env('BENCH_PROCESSES', 2);

/** Parse, normalize, dedupe and score every feed in this process: items/s. */
async function floor(core: Core, input: Throughput): Promise<number> {
  const wb = input.watchbook;
  const matcher = new core.rules.Matcher(wb.rules, wb.cues);
  const pass = async () => {
    const store = new core.store.MemoryStore();
    for (const feed of input.feeds) {
      const source = wb.sources.find((s) => s.id === feed.id)!;
      const now = Date.now();
      const parsed = await core.parse.parseBody(feed.body, { type: 'rss', url: feed.url, now });
      const { items } = core.items.toItems(parsed.entries, source, new Date(now));
      await core.evaluate.evaluateItems(items, wb, matcher, store, now);
    }
  };
  return input.corpus.items / (await best(PASSES, pass));
}

async function main(): Promise<void> {
  const started = Date.now();
  const core = await loadCore();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new Error(`bench:pipeline needs Redis at ${REDIS_URL}: ${(err as Error).message}`);
  }
  try {
    const input = await prepareThroughput(core, SOURCES, PER_SOURCE);
    let throughput;
    try {
      log(`bench:pipeline: ${SOURCES} sources x ${PER_SOURCE} items = ${input.corpus.items} items`);
      const coreItemsPerS = await floor(core, input);
      log(`  floor (parse, normalize, dedupe, score in process): ${round(coreItemsPerS)} items/s`);
      const runs = [];
      for (const processes of [1, 2]) {
        const run = await workerRun(processes, { core, redis, input, timeoutMs: 180_000 });
        log(
          `  ${processes} process(es): cold ${run.secondsFromReady.toFixed(2)} s from ready, ${round(run.itemsPerSFromReady)} items/s; warm ${run.warmSeconds.toFixed(2)} s, ${round(run.warmItemsPerS)} items/s${run.correct ? '' : '; WRONG RESULT'}`,
        );
        if (!run.correct) throw new Error(`the ${processes}-process run did not score every item as the core does`);
        runs.push(run);
      }
      throughput = { coreItemsPerS, one: runs[0]!, two: runs[1]! };
    } finally {
      await input.close();
    }

    log(`time to alert: ${ALERTS} alerts, ${PROCESSES} process(es)`);
    const tta = await timeToAlert(redis, {
      sources: 20,
      alerts: ALERTS,
      spacingMs: 200,
      processes: PROCESSES,
      timeoutMs: 180_000,
    });
    log(`  ${tta.delivered}/${tta.alerts} delivered: p50 ${tta.p50} ms, p95 ${tta.p95} ms, p99 ${tta.p99} ms`);
    if (tta.delivered < tta.alerts)
      throw new Error(`only ${tta.delivered} of ${tta.alerts} alerts reached the Slack stand-in`);

    const scaleSources = env('BENCH_SCALE_SOURCES', 20_000);
    log(`scale: ${scaleSources} sources every 5 min, ${PROCESSES} process(es)`);
    const s = await scale(core, redis, {
      sources: scaleSources,
      hosts: env('BENCH_SCALE_HOSTS', 200),
      everyMs: 300_000,
      processes: PROCESSES,
      windowMs: env('BENCH_SCALE_WINDOW_S', 150) * 1000,
      warmMs: 20_000,
      leadMs: 20_000,
    });

    const result = {
      bench: 'pipeline',
      core_items_per_s: round(throughput.coreItemsPerS),
      pipeline_items_per_s: {
        '1': round(throughput.one.warmItemsPerS),
        '2': round(throughput.two.warmItemsPerS),
      },
      efficiency: Number((throughput.two.warmItemsPerS / throughput.coreItemsPerS).toFixed(3)),
      time_to_alert_ms: { p50: round(tta.p50), p95: round(tta.p95), p99: round(tta.p99) },
      sources: s.sources,
      polls_per_s: Number(s.pollsPerS.toFixed(1)),
      tick_lag_ms: { p99: round(s.tickLagP99) },
      poll_period_error: Number(s.pollPeriodError.toFixed(3)),
      rss_mb: Number(s.rssMb.toFixed(1)),
      redis_bytes_per_seen_item: round(throughput.two.seenBytesPerItem),
    };
    log(`bench:pipeline took ${((Date.now() - started) / 1000).toFixed(0)} s`);
    console.log(JSON.stringify(result));
  } finally {
    redis.disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(`bench:pipeline: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
