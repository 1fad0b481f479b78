// The pipeline counters: what the jobs count (Store.incrementCounters) and the web role exposes as
// Prometheus counters (Store.counters). Kept in Redis, so every worker process adds to the same ones.
import type { CounterIncrement } from './records.js';
import type { Store } from './store.js';

export interface CounterSpec {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
}

export const COUNTER = {
  fetches: { name: 'signpost_fetches_total', help: 'Fetches of each source by result: ok, not-modified, or the failure reason', labelNames: ['source', 'result'] },
  items: { name: 'signpost_items_total', help: 'Items a fetch of the source handed to scoring (kind="new")', labelNames: ['source', 'kind'] },
  itemsScored: { name: 'signpost_items_scored_total', help: 'Items scored per source: kind="new" (never seen) or "duplicate" (seen already)', labelNames: ['source', 'kind'] },
  matches: { name: 'signpost_matches_total', help: 'Rule matches on new items (evidence recorded), per rule', labelNames: ['rule'] },
  notifications: {
    name: 'signpost_notifications_total',
    help: 'Notification and digest sends per receiver and channel: result="sent", "failed" with its reason, or "in-doubt" (a worker died between a send and its record; not sent again)',
    labelNames: ['receiver', 'channel', 'result', 'reason'],
  },
  jobSecondsSum: { name: 'signpost_job_seconds_sum', help: 'Seconds spent running jobs of each queue', labelNames: ['queue'] },
  jobSecondsCount: { name: 'signpost_job_seconds_count', help: 'Jobs of each queue run (finished or failed)', labelNames: ['queue'] },
} as const satisfies Record<string, CounterSpec>;

/** Every pipeline counter, in the order /metrics lists them. */
export const COUNTERS: readonly CounterSpec[] = Object.values(COUNTER);

/** A job's duration as the two job-seconds counters of its queue. */
export function jobSeconds(queue: string, seconds: number): CounterIncrement[] {
  return [
    { name: COUNTER.jobSecondsSum.name, labels: { queue }, by: Math.max(0, seconds) },
    { name: COUNTER.jobSecondsCount.name, labels: { queue } },
  ];
}

/**
 * Add to counters, best effort: a counter is never worth failing a job over, so an error (Redis away, a bad
 * count) is handed to `onError` (jobs log it at debug) and the promise resolves all the same.
 */
export async function countQuietly(store: Pick<Store, 'incrementCounters'>, counts: readonly CounterIncrement[], onError: (err: unknown) => void): Promise<void> {
  if (counts.length === 0) return;
  try {
    await store.incrementCounters(counts);
  } catch (err) {
    try {
      onError(err);
    } catch {
      // A logger that throws does not fail the job either.
    }
  }
}
