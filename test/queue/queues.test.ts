import { describe, expect, it } from 'vitest';
import {
  DELIVER_ATTEMPTS,
  deliverBackoffWith,
  deliverRetryWindowMs,
  deliverSchedule,
  FAILED_KEPT_MS,
} from '../../src/queue/index.js';
import { DEFAULT_SENT_TTL_MS } from '../../src/store/index.js';

// The delivery backoff as BullMQ calls it (attemptsMade is 1 after the first failure), at the ends of its
// jitter: a random draw of 0 gives the shortest waits (×0.75), just under 1 the longest (×1.25).

const S = 1000;
const H = 3_600_000;

/** The delivery backoff with its jitter drawn as `value`. */
const backoffAt = (value: number) => deliverBackoffWith(() => value);

/** When each attempt starts, from the first at 0, given the waits between them. */
function attemptTimes(waits: readonly number[]): number[] {
  const times = [0];
  for (const w of waits) times.push(times.at(-1)! + w);
  return times;
}

describe('deliverBackoff', () => {
  it('waits 2 s doubling, capped at an hour, within ×0.75 and ×1.25', () => {
    expect([1, 2, 3, 11, 12, 14].map((n) => backoffAt(0)(n, 'deliver', undefined))).toEqual([
      1.5 * S,
      3 * S,
      6 * S,
      1536 * S,
      0.75 * H,
      0.75 * H,
    ]);
    for (const [n, base] of [
      [1, 2 * S],
      [5, 32 * S],
      [13, H],
    ] as const) {
      expect(backoffAt(0.999_999)(n, 'deliver', undefined)).toBeCloseTo(1.25 * base, -1);
    }
  });

  it('never waits less than the Retry-After the failure carries', () => {
    const deliverBackoff = backoffAt(0.5);
    const err = Object.assign(new Error('rate limited'), { retryAfterMs: 90 * S });
    expect(deliverBackoff(1, 'deliver', err)).toBe(90 * S);
    expect(deliverBackoff(12, 'deliver', err)).toBe(H);
  });

  it('matches the schedule it publishes, attempt by attempt', () => {
    expect(Array.from({ length: DELIVER_ATTEMPTS - 1 }, (_, i) => backoffAt(0)(i + 1, 'deliver', undefined))).toEqual(
      deliverSchedule(0.75),
    );
  });

  it(`gets through a minute-long outage without giving up: at most 7 of its ${DELIVER_ATTEMPTS} attempts, whatever the jitter`, () => {
    for (const jitter of [0.75, 1, 1.25]) {
      const times = attemptTimes(deliverSchedule(jitter));
      const during = times.filter((t) => t < 60 * S).length;
      const deliveredBy = times.findIndex((t) => t >= 60 * S) + 1;
      console.info(
        `deliverBackoff ×${jitter}: ${during} attempts within a 60 s outage, delivered by attempt ${deliveredBy} at ${times[deliveredBy - 1]! / S} s; ${DELIVER_ATTEMPTS - deliveredBy} to spare`,
      );
      expect(during).toBeLessThanOrEqual(6);
      expect(deliveredBy).toBeLessThanOrEqual(7);
      expect(times[deliveredBy - 1]).toBeLessThanOrEqual(158 * S);
    }
  });

  it('retries for about a day in all: 18.1 h at the shortest, 30.2 h at the longest', () => {
    const total = (jitter: number) => deliverSchedule(jitter).reduce((a, b) => a + b, 0);
    expect(DELIVER_ATTEMPTS).toBe(35);
    expect(deliverSchedule()).toHaveLength(DELIVER_ATTEMPTS - 1);
    // 2 s doubling for eleven waits (4,094 s), then 23 waits of an hour: 86,894 s.
    expect(total(1)).toBe(4_094 * S + 23 * H);
    expect(total(1) / H).toBeCloseTo(24.14, 2);
    expect(total(0.75) / H).toBeCloseTo(18.1, 2);
    expect(total(1.25) / H).toBeCloseTo(30.17, 2);
    console.info(
      `deliverSchedule: ${DELIVER_ATTEMPTS} attempts over ${(total(1) / H).toFixed(2)} h (${(total(0.75) / H).toFixed(2)} h at ×0.75, ${(total(1.25) / H).toFixed(2)} h at ×1.25)`,
    );
  });

  it.each([6, 12, 18])(
    'rides out an outage of %i hours, whatever the jitter: some attempt comes after it ends',
    (hours) => {
      for (const jitter of [0.75, 1, 1.25]) {
        const times = attemptTimes(deliverSchedule(jitter));
        const after = times.findIndex((t) => t >= hours * H);
        console.info(
          `deliverBackoff ×${jitter}: a ${hours} h outage is over by attempt ${after + 1} of ${DELIVER_ATTEMPTS}, at ${(times[after]! / H).toFixed(2)} h`,
        );
        expect(after).toBeGreaterThan(0);
        // Delivered within an hour and a quarter of the server's return: the longest wait, at the longest jitter.
        expect(times[after]! - hours * H).toBeLessThanOrEqual(1.25 * H);
      }
    },
  );
});

describe('the retry window and the sent records', () => {
  it('keeps what was sent longer than a delivery can still be retried, by the queue or by an admin from the job board', () => {
    expect(deliverRetryWindowMs()).toBe(deliverSchedule(1.25).reduce((a, b) => a + b, 0) + FAILED_KEPT_MS);
    expect(DEFAULT_SENT_TTL_MS).toBeGreaterThan(deliverRetryWindowMs());
    const D = 24 * H;
    console.info(
      `retry window ${(deliverRetryWindowMs() / D).toFixed(2)} days (retries, then ${FAILED_KEPT_MS / D} days on the job board); sent records kept ${DEFAULT_SENT_TTL_MS / D} days`,
    );
  });
});
