import { describe, expect, it } from 'vitest';
import { FetchError } from '../../src/fetch/errors.js';
import {
  backoffMs,
  DEFAULT_BACKOFF_CAP_MS,
  initialHealth,
  recordFailure,
  recordSuccess,
} from '../../src/fetch/health.js';
import type { SourceHealth } from '../../src/model/source-health.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const noJitter = (): number => 0.5;
const lowest = (): number => 0;
const highest = (): number => 0.999_999;

// Table: [behaviour, failures, base, cap, retryAfter, random, expected delay].
const backoffs: [string, number, number, number | undefined, number | undefined, () => number, number][] = [
  ['waits the base interval after the first failure', 1, 15 * MIN, undefined, undefined, noJitter, 15 * MIN],
  ['doubles after the second', 2, 15 * MIN, undefined, undefined, noJitter, 30 * MIN],
  ['doubles again after the third', 3, 15 * MIN, undefined, undefined, noJitter, 60 * MIN],
  ['reaches the 6 h default cap', 6, 15 * MIN, undefined, undefined, noJitter, 6 * HOUR],
  ['stays at the cap after many failures', 50, 15 * MIN, undefined, undefined, noJitter, 6 * HOUR],
  ['stays at the cap after absurdly many failures', 5000, 15 * MIN, undefined, undefined, noJitter, 6 * HOUR],
  ['honours a smaller cap', 10, 5 * MIN, 1 * HOUR, undefined, noJitter, 1 * HOUR],
  ['starts at the cap when the base interval exceeds it', 1, 12 * HOUR, undefined, undefined, noJitter, 6 * HOUR],
  ['jitters 10% down', 1, 10 * MIN, undefined, undefined, lowest, 9 * MIN],
  ['jitters up to 10% up', 1, 10 * MIN, undefined, undefined, highest, 11 * MIN],
  ['never jitters above the cap', 20, 10 * MIN, undefined, undefined, highest, 6 * HOUR],
  ['jitters below the cap', 20, 10 * MIN, undefined, undefined, lowest, 5.4 * HOUR],
  ['never retries before Retry-After', 1, 5 * MIN, undefined, 2 * HOUR, noJitter, 2 * HOUR],
  ['waits out a Retry-After beyond the cap', 1, 5 * MIN, undefined, 10 * HOUR, noJitter, 10 * HOUR],
  ['caps a Retry-After at a day', 1, 5 * MIN, undefined, 30 * 24 * HOUR, noJitter, 24 * HOUR],
  ['keeps the longer backoff when Retry-After is shorter', 4, 15 * MIN, undefined, 1 * MIN, noJitter, 2 * HOUR],
];

describe('backoffMs', () => {
  it.each(backoffs)('%s', (_name, failures, baseIntervalMs, capMs, retryAfterMs, random, expected) => {
    expect(backoffMs(failures, { baseIntervalMs, capMs, retryAfterMs, random })).toBeCloseTo(expected, -1);
  });
});

describe('recordFailure and recordSuccess', () => {
  const t0 = Date.parse('2026-01-10T12:00:00Z');

  it('starts a new source with one failure, the error and the next check', () => {
    const h = recordFailure(undefined, {
      source: 'nato-news',
      now: t0,
      error: new FetchError('timeout', 'https://example.org/feed took longer than 30000 ms'),
      baseIntervalMs: 15 * MIN,
      random: noJitter,
    });
    expect(h).toEqual<SourceHealth>({
      source: 'nato-news',
      lastAttemptAt: t0,
      consecutiveFailures: 1,
      lastError: { reason: 'timeout', message: 'fetch: https://example.org/feed took longer than 30000 ms', at: t0 },
      itemsLastFetch: 0,
      nextCheckAt: t0 + 15 * MIN,
    });
  });

  it('backs off exponentially to the cap and never drops the source', () => {
    let h: SourceHealth | undefined;
    const delays: number[] = [];
    let now = t0;
    for (let i = 0; i < 40; i++) {
      h = recordFailure(h, {
        source: 's',
        now,
        error: { reason: 'http-5xx', message: '502' },
        baseIntervalMs: 15 * MIN,
        random: noJitter,
      });
      delays.push(h.nextCheckAt - now);
      now = h.nextCheckAt;
    }
    expect(delays.slice(0, 6)).toEqual([15, 30, 60, 120, 240, 360].map((m) => m * MIN));
    expect(delays.slice(6).every((d) => d === DEFAULT_BACKOFF_CAP_MS)).toBe(true);
    expect(h?.consecutiveFailures).toBe(40);
    expect(Number.isFinite(h?.nextCheckAt)).toBe(true);
  });

  it('takes Retry-After from the FetchError when none is given', () => {
    const error = new FetchError('http-4xx', '429 Too Many Requests', { retryAfterMs: 3 * HOUR });
    const h = recordFailure(undefined, { source: 's', now: t0, error, baseIntervalMs: 5 * MIN, random: noJitter });
    expect(h.nextCheckAt).toBe(t0 + 3 * HOUR);
  });

  it('resets failures on success and keeps the last error for on-call', () => {
    const failed = recordFailure(initialHealth('s', t0), {
      source: 's',
      now: t0,
      error: { reason: 'dns', message: 'no such host' },
      baseIntervalMs: MIN,
      random: noJitter,
    });
    const again = recordFailure(failed, {
      source: 's',
      now: t0 + MIN,
      error: { reason: 'dns', message: 'no such host' },
      baseIntervalMs: MIN,
      random: noJitter,
    });
    const ok = recordSuccess(again, { source: 's', now: t0 + 3 * MIN, items: 12, nextCheckAt: t0 + 18 * MIN });
    expect(ok).toEqual<SourceHealth>({
      source: 's',
      lastAttemptAt: t0 + 3 * MIN,
      lastSuccessAt: t0 + 3 * MIN,
      consecutiveFailures: 0,
      lastError: { reason: 'dns', message: 'no such host', at: t0 + MIN },
      itemsLastFetch: 12,
      nextCheckAt: t0 + 18 * MIN,
    });
  });

  it('keeps the last success time through later failures', () => {
    const ok = recordSuccess(undefined, { source: 's', now: t0, items: 3, nextCheckAt: t0 + MIN });
    const failed = recordFailure(ok, {
      source: 's',
      now: t0 + MIN,
      error: { reason: 'empty', message: 'no items' },
      baseIntervalMs: MIN,
      random: noJitter,
    });
    expect(failed.lastSuccessAt).toBe(t0);
    expect(failed.lastAttemptAt).toBe(t0 + MIN);
  });

  it('does not change the previous state', () => {
    const prev = initialHealth('s', t0);
    const copy = structuredClone(prev);
    recordFailure(prev, { source: 's', now: t0, error: { reason: 'refused', message: 'x' }, baseIntervalMs: MIN });
    expect(prev).toEqual(copy);
  });
});
