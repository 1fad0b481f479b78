// Backtest benchmark: items/s of `signpost backtest` (pipeline/replay.ts, the fold of the worker's step) at
// 2,000 and 20,000 generated dated items, and how the rate holds as the history grows.
//
//   npm run bench:backtest          progress on stderr; the last line of stdout is one JSON object
//   BENCH_SIZES=2000,5000 BENCH_SEED=7 npm run bench:backtest
//
// Started under tsx (as `npm run bench:backtest` does), it first emits itself and the source it imports as
// plain JavaScript (bench/build.ts) and runs that with node, so it times the code that ships. BENCH_TSX=1
// times under tsx.
//
// Input: bench/backtest-corpus.ts, dated item lines 5 minutes apart on average for the shipped watchbook,
// about one in ten matching its rules; deterministic for a seed.
//
// Each size is replayed once through replay(), reading the file included, as the CLI does, after three
// warm-up replays of as many other items as the smallest size. items_per_s = items / seconds of the whole replay; scaling = that rate at
// the largest size / at the smallest: 1 when the cost per item does not grow with the history, above 1
// where a replay's fixed cost (compiling the rules, 0.05 to 0.5 s on a shared machine) weighs on the small
// size. fold_items_per_s leaves the fixed cost out, timing from the first item's step to the last (the
// file read and the rules compiled before), and fold_scaling is its ratio. rss_mb is the process's
// resident memory after the largest run.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadWatchbookOrThrow } from '../src/config/index.js';
import { replay } from '../src/pipeline/replay.js';
import { backtestLines } from './backtest-corpus.js';

const env = (name: string, fallback: string) => {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : v;
};
const SEED = Number(env('BENCH_SEED', '20260301'));
const SIZES = env('BENCH_SIZES', '2000,20000').split(',').map(Number);
if (SIZES.length < 2 || SIZES.some((n) => !Number.isInteger(n) || n <= 0))
  throw new Error(`BENCH_SIZES: two or more positive integers, got ${env('BENCH_SIZES', '')}`);
const WARM_RUNS = Number(env('BENCH_WARM_RUNS', '3'));

const log = (msg: string) => process.stderr.write(`${msg}\n`);

/** The watchbook directory: the emitted copy runs from a temp dir, so the parent passes it on. */
const CONFIG = process.env.BENCH_CONFIG ?? fileURLToPath(new URL('../config', import.meta.url));

async function main(): Promise<void> {
  if (import.meta.url.endsWith('.ts') && process.env.BENCH_TSX !== '1')
    (await import('./build.js')).runEmitted(import.meta.url, 'bench:backtest', {
      ...process.env,
      BENCH_CONFIG: CONFIG,
    });
  const wb = loadWatchbookOrThrow(CONFIG);
  const dir = mkdtempSync(join(tmpdir(), 'signpost-bench-backtest-'));
  const rates: Record<string, number> = {};
  const foldRates: Record<string, number> = {};
  try {
    // Warm-up, so the first size is not timed while the JIT is still compiling: the smallest size's items
    // under another seed, WARM_RUNS times (the rate settles after two or three).
    const warm = join(dir, 'warm.jsonl');
    writeFileSync(warm, `${backtestLines(SIZES[0]!, wb, CONFIG, SEED + 1).join('\n')}\n`);
    for (let i = 0; i < WARM_RUNS; i++) await replay(warm, wb);
    for (const size of SIZES) {
      const file = join(dir, `items-${size}.jsonl`);
      writeFileSync(file, `${backtestLines(size, wb, CONFIG, SEED).join('\n')}\n`);
      let done = 0;
      let last = performance.now();
      const t0 = last;
      let firstStep = 0;
      const result = await replay(file, wb, () => {
        if (done++ === 0) firstStep = performance.now();
        if (performance.now() - last >= 5000) {
          last = performance.now();
          log(`  ${size}: ${done} items, ${Math.round(done / ((last - t0) / 1000))} items/s`);
        }
      });
      const seconds = (performance.now() - t0) / 1000;
      foldRates[size] = (size - 1) / ((performance.now() - firstStep) / 1000);
      if (result.problems.length)
        throw new Error(`the generated items have problems: ${result.problems.slice(0, 3).join('; ')}`);
      const matched = result.steps.filter((s) => s.matches.length).length;
      rates[size] = size / seconds;
      log(
        `${size} items: ${seconds.toFixed(2)} s, ${Math.round(rates[size])} items/s (the fold alone ${Math.round(foldRates[size])}); ${matched} with evidence, ${result.alerts.length} alerts, final ${JSON.stringify(result.final)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const first = rates[SIZES[0]!]!;
  const lastRate = rates[SIZES.at(-1)!]!;
  const result = {
    bench: 'backtest',
    items_per_s: Object.fromEntries(SIZES.map((n) => [String(n), Math.round(rates[n]!)])),
    scaling: Math.round((lastRate / first) * 1000) / 1000,
    fold_items_per_s: Object.fromEntries(SIZES.map((n) => [String(n), Math.round(foldRates[n]!)])),
    fold_scaling: Math.round((foldRates[SIZES.at(-1)!]! / foldRates[SIZES[0]!]!) * 1000) / 1000,
    rss_mb: Math.round(process.memoryUsage().rss / 1048576),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:backtest: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
