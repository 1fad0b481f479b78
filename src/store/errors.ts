// The store's error, and the checks of times and stored JSON both stores make alike.

/** A store operation that failed: Redis unreachable, a value that is not what was written, a bad argument. */
export class StoreError extends Error {
  constructor(message: string, opts: { cause?: unknown } = {}) {
    super(`store: ${message}`, { cause: opts.cause });
    this.name = 'StoreError';
  }
}

/**
 * Times written become sorted-set scores: they must be finite (Redis refuses NaN, and an infinite time
 * would never expire). Both stores refuse alike, so a bad time fails the same in a backtest and the worker.
 */
export function checkTime(what: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new StoreError(`${what} must be a finite number of epoch milliseconds, got ${String(value)}`);
  }
}

/** A bound of a time range read: any number but NaN (±Infinity means open). */
export function checkBound(what: string, value: number): void {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new StoreError(`${what} must be a number of epoch milliseconds, got ${String(value)}`);
  }
}

/** A stored JSON value read back; a value that does not parse names where it was found. */
export function parseJson<T>(text: string, where: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new StoreError(`${where} holds a value that is not JSON: ${text.slice(0, 80)}`, { cause });
  }
}
