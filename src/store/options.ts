// Retention settings both stores share, so a backtest forgets exactly what the worker forgets.
import { StoreError } from './errors.js';

const DAY_MS = 24 * 60 * 60_000;

export interface StoreOptions {
  /**
   * How long an item key is remembered after it was last marked seen. Longer than evidence is kept, so an
   * item still in a feed after its evidence was purged is not taken for new. Default three years: the worker
   * keeps evidence ten half-lives of the longest indicator, at most 1,000 days (config MAX_HALF_LIFE_MS).
   */
  seenTtlMs?: number;
  /**
   * The longest the caller keeps evidence (it calls purgeEvidence(now − at most this)). The store only
   * checks it against `seenTtlMs`: a seen-set that forgets first would let purged items come back as new.
   * Evidence goes by its publication date, seen keys by when they were seen, and an item may be dated up to
   * a day after it was seen (items/normalize.ts), so the seen-set must remember that day longer too.
   */
  evidenceTtlMs?: number;
  /** Scenario states kept, the newest. Default 10 000. */
  historyLimit?: number;
  /** Near-duplicate fingerprints kept, the newest. Default 50 000. */
  fingerprintLimit?: number;
  /**
   * How long an alert is kept (pruneAlerts) once it no longer matters: a group forgets an alert this long
   * after it stopped firing and was last raised, and the alert itself goes this long after it was last
   * raised, once no group holds it; a runtime silence this long after it ended. Default 7 days.
   */
  alertTtlMs?: number;
  /**
   * How long what was sent is remembered (pruneAlerts): a recorded send, in doubt or not, and a started
   * attempt, this long after they were written; a send-log this long after its last send, once its group is
   * gone. Longer than a delivery can still be retried (35 attempts over at most 30.2 h, then a failed job
   * kept 7 days on the job board, where an admin may retry it: 8.3 days; test/queue checks this against
   * queues.ts), so a retry never finds the record of what it sent gone. Default 9 days.
   */
  sentTtlMs?: number;
}

export interface Retention {
  seenTtlMs: number;
  historyLimit: number;
  fingerprintLimit: number;
  alertTtlMs: number;
  sentTtlMs: number;
}

export const DEFAULT_SEEN_TTL_MS = 3 * 365 * DAY_MS;
/** How far ahead of its fetch an item may be dated (items/normalize.ts FUTURE_TOLERANCE_MS). */
export const DATED_AHEAD_MS = DAY_MS;
export const DEFAULT_HISTORY_LIMIT = 10_000;
export const DEFAULT_FINGERPRINT_LIMIT = 50_000;
export const DEFAULT_ALERT_TTL_MS = 7 * DAY_MS;
export const DEFAULT_SENT_TTL_MS = 9 * DAY_MS;

function positive(name: string, value: number, integer: boolean): number {
  if (!(Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value)))) {
    throw new StoreError(`${name} must be a positive ${integer ? 'integer' : 'number'}, got ${String(value)}`);
  }
  return value;
}

/** Options with defaults filled in; a bad value is an error here, not a surprise in Redis later. */
export function retention(opts: StoreOptions = {}): Retention {
  const seenTtlMs = positive('seenTtlMs', opts.seenTtlMs ?? DEFAULT_SEEN_TTL_MS, false);
  if (
    opts.evidenceTtlMs !== undefined &&
    positive('evidenceTtlMs', opts.evidenceTtlMs, false) + DATED_AHEAD_MS >= seenTtlMs
  ) {
    throw new StoreError(
      `seenTtlMs (${seenTtlMs}) must be longer than evidenceTtlMs (${opts.evidenceTtlMs}) by more than a day, or purged items come back as new`,
    );
  }
  return {
    seenTtlMs,
    historyLimit: positive('historyLimit', opts.historyLimit ?? DEFAULT_HISTORY_LIMIT, true),
    fingerprintLimit: positive('fingerprintLimit', opts.fingerprintLimit ?? DEFAULT_FINGERPRINT_LIMIT, true),
    alertTtlMs: positive('alertTtlMs', opts.alertTtlMs ?? DEFAULT_ALERT_TTL_MS, false),
    sentTtlMs: positive('sentTtlMs', opts.sentTtlMs ?? DEFAULT_SENT_TTL_MS, false),
  };
}

/**
 * A `limit` argument as a Redis LIMIT count: 0 for none at all (callers answer [] without asking), −1 for
 * no limit (Infinity), else its integer part.
 */
export function limitCount(limit: number): number {
  if (!(limit >= 1)) return 0;
  return Number.isFinite(limit) ? Math.floor(limit) : -1;
}
