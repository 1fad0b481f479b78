import { describe, expect, it } from 'vitest';
import { cronDueBetween } from '../../src/alerts/index.js';

const at = (iso: string) => Date.parse(iso);

describe('cronDueBetween', () => {
  it.each([
    ['fires at 07:00 Kyiv (04:00 UTC in summer)', '0 7 * * *', 'Europe/Kyiv', '2026-07-01T03:59:00Z', '2026-07-01T04:00:30Z', '2026-07-01T04:00:00.000Z'],
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
    ['six fields (seconds first): the same rule', '0 0 7 1 * 1', 'UTC', '2026-07-05T00:00:00Z', '2026-07-07T00:00:00Z', '2026-07-06T07:00:00.000Z'],
  ])('%s', (_name, expr, tz, from, to, expected) => {
    const due = cronDueBetween(expr, tz, at(from), at(to));
    expect(due === undefined ? undefined : new Date(due).toISOString()).toBe(expected);
  });
});
