// The health of a source: why fetches fail (a closed set), what on-call sees, the validators for conditional GET.

/** Why a fetch failed: a closed set, reused as metric labels. */
export const FAILURE_REASONS = [
  'timeout',
  'dns',
  'refused',
  'tls',
  'http-4xx',
  'http-5xx',
  'too-large',
  'too-many-redirects',
  'blocked-address',
  'robots-disallowed',
  'bad-charset',
  'parse-error',
  'empty',
] as const;

export type FailureReason = (typeof FAILURE_REASONS)[number];

/** What on-call sees of one source. Times are epoch milliseconds. */
export interface SourceHealth {
  source: string;
  lastAttemptAt?: number;
  lastSuccessAt?: number;
  consecutiveFailures: number;
  lastError?: { reason: FailureReason; message: string; at: number };
  itemsLastFetch: number;
  nextCheckAt: number;
}

/** Validators for conditional GET, kept per source. */
export interface Validators {
  etag?: string;
  lastModified?: string;
}
