import { describe, expect, it } from 'vitest';
import { cronDueBetween } from '../../src/alerts/index.js';
import { isCron } from '../../src/config/cron.js';

const at = (iso: string) => Date.parse(iso);

describe('cronDueBetween', () => {
  // prettier-ignore
  it.each([
    ['fires at 07:00 Kyiv (04:00 UTC in summer)', '0 7 * * *', 'Europe/Kyiv', '2026-07-01T03:59:00Z', '2026-07-01T04:00:30Z', '2026-07-01T04:00:00.000Z'],
    // Kyiv moves to summer time at 03:00 on 2026-03-29: 07:00 is 05:00 UTC the day before, 04:00 UTC that day.
    ['fires at 07:00 Kyiv on the day before summer time (05:00 UTC)', '0 7 * * *', 'Europe/Kyiv', '2026-03-28T00:00:00Z', '2026-03-28T12:00:00Z', '2026-03-28T05:00:00.000Z'],
    ['fires at 07:00 Kyiv on the day summer time starts (04:00 UTC)', '0 7 * * *', 'Europe/Kyiv', '2026-03-29T00:00:00Z', '2026-03-29T12:00:00Z', '2026-03-29T04:00:00.000Z'],
    ['counts a firing exactly at the end of the window', '0 7 * * *', 'UTC', '2026-07-01T06:59:00Z', '2026-07-01T07:00:00Z', '2026-07-01T07:00:00.000Z'],
    ['has not fired yet a minute before', '0 7 * * *', 'Europe/Kyiv', '2026-07-01T03:50:00Z', '2026-07-01T03:59:30Z', undefined],
    ['does not fire twice for a window that starts at the firing', '0 7 * * *', 'UTC', '2026-07-01T07:00:00Z', '2026-07-01T07:05:00Z', undefined],
    ['gives the latest firing in a long window', '*/15 * * * *', 'UTC', '2026-07-01T07:00:00Z', '2026-07-01T08:20:00Z', '2026-07-01T08:15:00.000Z'],
    ['respects the weekday (Mondays only; 2026-07-06 is a Monday)', '0 9 * * 1', 'UTC', '2026-07-05T00:00:00Z', '2026-07-07T00:00:00Z', '2026-07-06T09:00:00.000Z'],
    // Both day fields restricted: either one fires, as cron(8) has it. 2026-07-01 is a Wednesday.
    ['with day and weekday both set, fires on a Monday that is not the 1st', '0 7 1 * 1', 'UTC', '2026-07-05T00:00:00Z', '2026-07-07T00:00:00Z', '2026-07-06T07:00:00.000Z'],
    ['with day and weekday both set, fires on the 1st that is not a Monday', '0 7 1 * 1', 'UTC', '2026-06-30T00:00:00Z', '2026-07-02T00:00:00Z', '2026-07-01T07:00:00.000Z'],
    ['with day and weekday both set, not on a day that is neither', '0 7 1 * 1', 'UTC', '2026-07-07T00:00:00Z', '2026-07-09T00:00:00Z', undefined],
    ['with the weekday every day, the day of the month alone decides', '0 7 1 * *', 'UTC', '2026-07-05T00:00:00Z', '2026-07-07T00:00:00Z', undefined],
    ['a stepped weekday field (*/2) leaves the day of the month to decide with it', '0 7 1 * */2', 'UTC', '2026-07-06T00:00:00Z', '2026-07-07T12:00:00Z', undefined],
    ['both day fields stepped over "*": both must match (2026-07-01 is an odd day but a Wednesday)', '0 7 */2 * */2', 'UTC', '2026-07-01T00:00:00Z', '2026-07-01T12:00:00Z', undefined],
    ['a weekday range over the whole week is restricted: either day field fires', '0 7 1 * 0-6', 'UTC', '2026-07-07T00:00:00Z', '2026-07-07T12:00:00Z', '2026-07-07T07:00:00.000Z'],
    ['six fields (seconds first): the same rule', '0 0 7 1 * 1', 'UTC', '2026-07-05T00:00:00Z', '2026-07-07T00:00:00Z', '2026-07-06T07:00:00.000Z'],
  ])('%s', (_name, expr, tz, from, to, expected) => {
    const due = cronDueBetween(expr, tz, at(from), at(to));
    expect(due === undefined ? undefined : new Date(due).toISOString()).toBe(expected);
  });
});

// Validation runs the parser that computes the firings, so what loads is what fires.
describe('isCron', () => {
  it.each([
    ['a daily schedule', '0 7 * * *', true],
    ['both day fields', '0 7 1 * 1', true],
    ['seconds first', '0 0 7 1 * 1', true],
    ['weekday names and ranges', '0 7 * * mon-fri', true],
    ['month names', '0 7 * jan,mar *', true],
    ['too few fields', '0 7', false],
    ['a minute out of range', '60 * * * *', false],
    ['a step of zero', '*/0 * * * *', false],
    ['a weekday out of range', '0 7 * * 8', false],
    ['a day that never comes (30 February)', '0 0 30 2 *', false],
    ['an alias', '@daily', false],
    ['a Jenkins hash, whose minute depends on a seed', 'H 7 * * *', false],
  ])('%s: %s', (_name, expr, valid) => {
    expect(isCron(expr)).toBe(valid);
    if (valid)
      expect(() =>
        cronDueBetween(expr, 'Europe/Kyiv', at('2026-07-01T00:00:00Z'), at('2026-07-02T00:00:00Z')),
      ).not.toThrow();
  });
});
