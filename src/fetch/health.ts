// Source health as pure functions of the previous state and one fetch outcome. A failing source backs off
// exponentially to a cap and is never dropped (Miniflux stops polling after 3 errors and users found feeds
// stale for weeks; research §7.1). Time and randomness come in as arguments.
import type { FailureReason, SourceHealth } from '../model/source-health.js';

export const DEFAULT_BACKOFF_CAP_MS = 6 * 60 * 60_000;
/** A Retry-After longer than this is treated as this: a broken header must not silence a source for good. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60_000;
/** Spread of the jitter, so sources that failed together do not all retry in the same tick. */
export const JITTER = 0.1;

export interface SuccessEvent {
  source: string;
  now: number;
  /** Items in this fetch (0 for a 304). */
  items: number;
  nextCheckAt: number;
}

export interface FailureEvent {
  source: string;
  now: number;
  /** A FetchError, or anything else with a reason from the closed set (a parse error, an empty feed). */
  error: { reason: FailureReason; message: string; retryAfterMs?: number | undefined };
  /** The source's usual interval: the first retry comes after it, then 2x, 4x, ... */
  baseIntervalMs: number;
  capMs?: number;
  /** The server's Retry-After; defaults to the error's own. The next check is never earlier. */
  retryAfterMs?: number;
  /** A number in [0, 1), as Math.random. */
  random?: () => number;
}

/** The health of a source never fetched yet, due at once. */
export function initialHealth(source: string, now: number): SourceHealth {
  return { source, consecutiveFailures: 0, itemsLastFetch: 0, nextCheckAt: now };
}

/** After a successful fetch: failures reset; the last error stays visible (with its time) for on-call. */
export function recordSuccess(prev: SourceHealth | undefined, e: SuccessEvent): SourceHealth {
  return {
    ...(prev ?? initialHealth(e.source, e.now)),
    lastAttemptAt: e.now,
    lastSuccessAt: e.now,
    consecutiveFailures: 0,
    itemsLastFetch: e.items,
    nextCheckAt: e.nextCheckAt,
  };
}

/**
 * The delay before the next attempt after `failures` consecutive failures: base · 2^(failures−1), capped,
 * jittered by ±10% without passing the cap, and never shorter than Retry-After (itself capped at a day).
 */
export function backoffMs(
  failures: number,
  opts: { baseIntervalMs: number; capMs?: number; retryAfterMs?: number | undefined; random?: () => number },
): number {
  const cap = opts.capMs ?? DEFAULT_BACKOFF_CAP_MS;
  const random = opts.random ?? Math.random;
  const exponential = Math.min(cap, opts.baseIntervalMs * 2 ** Math.max(0, failures - 1));
  const jittered = Math.min(cap, exponential * (1 + JITTER * (2 * random() - 1)));
  const retryAfter = Math.min(opts.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS);
  return Math.round(Math.max(jittered, retryAfter));
}

/** After a failed fetch: one more consecutive failure, the error kept, the next check backed off. */
export function recordFailure(prev: SourceHealth | undefined, e: FailureEvent): SourceHealth {
  const base = prev ?? initialHealth(e.source, e.now);
  const failures = base.consecutiveFailures + 1;
  const delay = backoffMs(failures, {
    baseIntervalMs: e.baseIntervalMs,
    capMs: e.capMs,
    retryAfterMs: e.retryAfterMs ?? e.error.retryAfterMs,
    random: e.random,
  });
  return {
    ...base,
    lastAttemptAt: e.now,
    consecutiveFailures: failures,
    lastError: { reason: e.error.reason, message: e.error.message, at: e.now },
    itemsLastFetch: 0,
    nextCheckAt: e.now + delay,
  };
}
