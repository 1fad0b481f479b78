// FetchError: how a fetch failed, in the words on-call and the retry decision read.
import type { FailureReason } from '../model/source-health.js';

/**
 * A fetch that failed, with the reason from the closed set on-call sees. `permanent` says whether a retry
 * can help (a 404 will not fix itself; a timeout may); `retryAfterMs` is the server's own word; `status` is
 * the HTTP status when the server answered with an error.
 */
export class FetchError extends Error {
  readonly reason: FailureReason;
  readonly permanent: boolean;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;

  constructor(
    reason: FailureReason,
    message: string,
    opts: { permanent?: boolean; retryAfterMs?: number; status?: number; cause?: unknown } = {},
  ) {
    super(`fetch: ${message}`, { cause: opts.cause });
    this.name = 'FetchError';
    this.reason = reason;
    this.permanent = opts.permanent ?? false;
    this.retryAfterMs = opts.retryAfterMs;
    this.status = opts.status;
  }
}
