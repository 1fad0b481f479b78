// The pipeline counters and histograms: what the jobs count (Store.incrementCounters) and the web role
// exposes to Prometheus (Store.counters). Kept in Redis, so every worker process adds to the same ones.
import type { CounterIncrement, CounterValue } from './records.js';
import type { CounterStore, CountOnce } from './counter-store.js';

export interface CounterSpec {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
}

// prettier-ignore
export const COUNTER = {
  fetches: { name: 'signpost_fetches_total', help: 'Fetches of each source by result: ok, not-modified, or the failure reason', labelNames: ['source', 'result'] },
  items: { name: 'signpost_items_total', help: 'Items of the source: kind="fetched" for every item its fetches brought, kind="new" for those never seen before', labelNames: ['source', 'kind'] },
  itemsScored: { name: 'signpost_items_scored_total', help: 'Items scored per source: kind="new" (never seen) or "duplicate" (seen already)', labelNames: ['source', 'kind'] },
  matches: { name: 'signpost_matches_total', help: 'Rule matches on new items (evidence recorded), per rule', labelNames: ['rule'] },
  notifications: {
    name: 'signpost_notifications_total',
    help: 'Notification and digest sends per receiver and channel: result="sent", "failed" with its reason, or "in-doubt" (a worker died between a send and its record; not sent again)',
    labelNames: ['receiver', 'channel', 'result', 'reason'],
  },
} as const satisfies Record<string, CounterSpec>;

/** Every pipeline counter, in the order /metrics lists them. */
export const COUNTERS: readonly CounterSpec[] = Object.values(COUNTER);

/** A histogram kept as counters: upper bounds of its buckets, ascending; +Inf is implied. */
export interface HistogramSpec extends CounterSpec {
  readonly buckets: readonly number[];
}

// Fetches wait on the network up to the HTTP timeout (30 s, fetch/http.ts) and a politeness delay; scoring,
// ticks and sends take milliseconds to seconds.
export const HISTOGRAM = {
  jobDuration: {
    name: 'signpost_job_duration_seconds',
    help: 'Time jobs of each queue took to run, finished or failed',
    labelNames: ['queue'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  },
} as const satisfies Record<string, HistogramSpec>;

/** Every pipeline histogram, in the order /metrics lists them. */
export const HISTOGRAMS: readonly HistogramSpec[] = Object.values(HISTOGRAM);

/**
 * One observation as the counters of its histogram: the one bucket it falls in (`le` its upper bound, not
 * cumulative, so a job adds to two fields however many buckets there are) and the sum. The count is the
 * buckets' total, so it never disagrees with them. readHistogram makes the buckets cumulative.
 */
export function observe(spec: HistogramSpec, labels: Record<string, string>, value: number): CounterIncrement[] {
  if (!Number.isFinite(value)) return [];
  const v = Math.max(0, value);
  const le = spec.buckets.find((b) => v <= b);
  return [
    { name: `${spec.name}_bucket`, labels: { ...labels, le: le === undefined ? '+Inf' : String(le) } },
    { name: `${spec.name}_sum`, labels, by: v },
  ];
}

/** A job's duration, observed in signpost_job_duration_seconds of its queue. */
export function jobSeconds(queue: string, seconds: number): CounterIncrement[] {
  return observe(HISTOGRAM.jobDuration, { queue }, seconds);
}

/** One labelled series of a histogram: cumulative bucket counts by upper bound ('+Inf' last), sum, count. */
export interface HistogramSeries {
  labels: Record<string, string>;
  buckets: [le: string, count: number][];
  sum: number;
  count: number;
}

/**
 * A histogram's series from the stored counters. A stored bucket whose bound the spec no longer has (the
 * buckets changed since) counts in the next bound above it, which still holds every value it held.
 */
export function readHistogram(spec: HistogramSpec, values: readonly CounterValue[]): HistogramSeries[] {
  const series = new Map<string, { labels: Record<string, string>; own: number[]; sum: number }>();
  const of = (labels: Record<string, string>) => {
    const own = Object.fromEntries(spec.labelNames.map((l) => [l, labels[l] ?? '']));
    const key = JSON.stringify(Object.values(own));
    let s = series.get(key);
    if (!s) series.set(key, (s = { labels: own, own: new Array<number>(spec.buckets.length + 1).fill(0), sum: 0 }));
    return s;
  };
  for (const v of values) {
    if (!(v.value >= 0)) continue;
    if (v.name === `${spec.name}_sum`) of(v.labels).sum += v.value;
    if (v.name !== `${spec.name}_bucket` || v.labels.le === undefined) continue;
    const le = v.labels.le === '+Inf' ? Infinity : Number(v.labels.le);
    if (Number.isNaN(le)) continue;
    const i = spec.buckets.findIndex((b) => le <= b);
    of(v.labels).own[i < 0 ? spec.buckets.length : i]! += v.value;
  }
  return [...series.values()].map(({ labels, own, sum }) => {
    let total = 0;
    const buckets = own.map((n, i): [string, number] => [
      i < spec.buckets.length ? String(spec.buckets[i]) : '+Inf',
      (total += n),
    ]);
    return { labels, buckets, sum, count: total };
  });
}

/** How long a counted event is remembered (CountOnce): longer than any job is retried (a delivery, 30 h). */
export const COUNTED_TTL_MS = 2 * 86_400_000;

/**
 * Add to counters, best effort: a counter is never worth failing a job over, so an error (Redis away, a bad
 * count) is handed to `onError` (jobs log it at debug) and the promise resolves all the same.
 */
export async function countQuietly(
  store: Pick<CounterStore, 'incrementCounters'>,
  counts: readonly CounterIncrement[],
  onError: (err: unknown) => void,
  once?: CountOnce,
): Promise<void> {
  if (counts.length === 0) return;
  try {
    await store.incrementCounters(counts, once);
  } catch (err) {
    try {
      onError(err);
    } catch {
      // A logger that throws does not fail the job either.
    }
  }
}
