// What the benchmarks that drive the built worker share: settings from the environment, progress on
// stderr, the shipped code loaded from dist/ (as the worker processes run it), and best-of-n timing.
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type * as ConfigModule from '../../src/config/index.js';
import type * as FetchModule from '../../src/fetch/index.js';
import type * as ItemsModule from '../../src/items/index.js';
import type * as ParseModule from '../../src/parse/index.js';
import type * as EvaluateModule from '../../src/pipeline/evaluate.js';
import type * as PollModule from '../../src/pipeline/poll.js';
import type * as RulesModule from '../../src/rules/index.js';
import type * as StoreModule from '../../src/store/index.js';
import { MAIN_JS } from '../../test/worker/helpers/processes.js';

/** A number from the environment, or `fallback` when unset or empty. */
export function env(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${v}"`);
  return n;
}

export const log = (msg: string): void => void process.stderr.write(`${msg}\n`);
export const round = (n: number): number => Math.round(n);
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// The code that ships, as the worker processes run it (tsx's transform of src/ is slower: bench/build.ts).
const dist = (path: string) => new URL(`../../dist/src/${path}`, import.meta.url).href;

export async function loadCore() {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run \`npm run build\` first`);
  return {
    config: (await import(dist('config/index.js'))) as typeof ConfigModule,
    fetch: (await import(dist('fetch/index.js'))) as typeof FetchModule,
    evaluate: (await import(dist('pipeline/evaluate.js'))) as typeof EvaluateModule,
    items: (await import(dist('items/index.js'))) as typeof ItemsModule,
    parse: (await import(dist('parse/index.js'))) as typeof ParseModule,
    poll: (await import(dist('pipeline/poll.js'))) as typeof PollModule,
    rules: (await import(dist('rules/index.js'))) as typeof RulesModule,
    store: (await import(dist('store/index.js'))) as typeof StoreModule,
  };
}
export type Core = Awaited<ReturnType<typeof loadCore>>;

/** Best (shortest) of `passes` timed passes after a warm-up (`warm`, or one pass); seconds. */
export async function best(
  passes: number,
  pass: () => Promise<void>,
  warm: () => Promise<void> = pass,
): Promise<number> {
  await warm();
  let min = Infinity;
  for (let i = 0; i < passes; i++) {
    const t = performance.now();
    await pass();
    min = Math.min(min, (performance.now() - t) / 1000);
  }
  return min;
}

/** The p-th percentile (0..100) of `values`, nearest rank; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** CPU time a process has used, user and system, ms (clock ticks of 10 ms); undefined when it is gone. Linux only. */
export function cpuMs(pid: number): number | undefined {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** CPU time the Redis server has used, user and system, ms, as its INFO says (wherever it runs). */
export async function redisCpuMs(redis: { info(section: string): Promise<string> }): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return (field('used_cpu_user') + field('used_cpu_sys')) * 1000;
}

/** Resident memory of a process (VmRSS), MiB; undefined when it is gone. Linux only. */
export function rssMb(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
