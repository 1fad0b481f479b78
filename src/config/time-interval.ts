// The fields of a time interval as Alertmanager writes them (https://prometheus.io/docs/alerting/latest/
// configuration/#time_interval), to the ranges alerts/time-interval.ts reads: `monday:friday`, `1:5` or `-3:-1`
// (days of the month, negative from its end), `january:march` or `1:3`, `2026:2027`; times `HH:MM` with
// `24:00` as an end. Each parser returns the range, or what is wrong with the text.

import type { TimeIntervalSpec } from '../model/watchbook.js';
import type { TimeIntervalIn } from './schema.js';

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

type Range = [number, number];

/** `08:00` as minutes of the day; `24:00` (1440) only as an end. */
export function parseTimeOfDay(text: string): number | string {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || minutes > 24 * 60) return `expected a time such as 08:00 or 24:00, got "${text}"`;
  return minutes;
}

/** A `start_time`/`end_time` pair, or why not: the end must come after the start, on the same day. */
export function parseTimeRange(start: string, end: string): { startMinute: number; endMinute: number } | string {
  const [a, b] = [parseTimeOfDay(start), parseTimeOfDay(end)];
  if (typeof a === 'string') return a;
  if (typeof b === 'string') return b;
  if (a >= 24 * 60) return `start_time must be before 24:00, got "${start}"`;
  if (b <= a) {
    return `end_time (${end}) must be after start_time (${start}); a range across midnight is two: start_time ${start}, end_time 24:00 and start_time 00:00, end_time ${end}`;
  }
  return { startMinute: a, endMinute: b };
}

export function parseWeekdays(text: string): Range | string {
  return parseRange(
    text,
    'weekday',
    (s) => indexOrUndefined(WEEKDAYS, s),
    'monday or monday:friday (the week starts on sunday)',
  );
}

export function parseMonths(text: string): Range | string {
  return parseRange(
    text,
    'month',
    (s) => (/^\d+$/.test(s) ? inRange(Number(s), 1, 12) : plusOne(indexOrUndefined(MONTHS, s))),
    'march, january:march or 1:3',
  );
}

export function parseYears(text: string): Range | string {
  return parseRange(text, 'year', (s) => (/^\d{4}$/.test(s) ? Number(s) : undefined), '2026 or 2026:2027');
}

/** `1:5`, `-3:-1`, `1:-1`; 0 and days beyond 31 are refused. A mixed range is ordered when it is read. */
export function parseDaysOfMonth(text: string): Range | string {
  const day = (s: string) => (/^-?\d+$/.test(s) && Number(s) !== 0 ? inRange(Number(s), -31, 31) : undefined);
  const [a, b = a] = text.split(':').map((s) => s.trim()) as [string, string?];
  const [start, end] = [day(a), day(b)];
  if (start === undefined || end === undefined || text.split(':').length > 2) {
    return `expected a day of the month such as 1, 1:15 or -3:-1 (from the month's end), got "${text}"`;
  }
  if (Math.sign(start) === Math.sign(end) && start > end)
    return `a days_of_month range goes from the earlier day to the later, got "${text}"`;
  return [start, end];
}

/** The model of one `time_intervals` entry; every field was checked (checkTimeInterval) before. */
export function toTimeIntervalSpec(s: TimeIntervalIn): TimeIntervalSpec {
  const ranges = (list: string[] | undefined, parse: (t: string) => Range | string) =>
    list?.map(parse).filter((r): r is Range => typeof r !== 'string');
  const times = s.times?.map((t) => parseTimeRange(t.start_time, t.end_time)).filter((t) => typeof t !== 'string');
  const spec: TimeIntervalSpec = {
    ...(times && { times }),
    ...(s.weekdays && { weekdays: ranges(s.weekdays, parseWeekdays)! }),
    ...(s.days_of_month && { daysOfMonth: ranges(s.days_of_month, parseDaysOfMonth)! }),
    ...(s.months && { months: ranges(s.months, parseMonths)! }),
    ...(s.years && { years: ranges(s.years, parseYears)! }),
  };
  return spec;
}

/** Every problem with one entry, each with the path below the entry where it is. */
export function checkTimeInterval(s: TimeIntervalIn): { path: (string | number)[]; message: string }[] {
  const found: { path: (string | number)[]; message: string }[] = [];
  s.times?.forEach((t, i) => {
    const r = parseTimeRange(t.start_time, t.end_time);
    if (typeof r !== 'string') return;
    // At the start when the start is what is wrong (not a time, or 24:00), else at the end.
    const start = parseTimeOfDay(t.start_time);
    const atStart = typeof start === 'string' || start >= 24 * 60;
    found.push({ path: ['times', i, atStart ? 'start_time' : 'end_time'], message: r });
  });
  const each = (key: 'weekdays' | 'days_of_month' | 'months' | 'years', parse: (t: string) => Range | string) =>
    s[key]?.forEach((text, i) => {
      const r = parse(text);
      if (typeof r === 'string') found.push({ path: [key, i], message: r });
    });
  each('weekdays', parseWeekdays);
  each('days_of_month', parseDaysOfMonth);
  each('months', parseMonths);
  each('years', parseYears);
  return found;
}

function parseRange(
  text: string,
  what: string,
  one: (s: string) => number | undefined,
  example: string,
): Range | string {
  const parts = text
    .toLowerCase()
    .split(':')
    .map((s) => s.trim());
  const [start, end] = [one(parts[0]!), one(parts[1] ?? parts[0]!)];
  if (parts.length > 2 || start === undefined || end === undefined)
    return `expected a ${what} or range such as ${example}, got "${text}"`;
  if (start > end) return `a ${what} range goes from the earlier to the later, got "${text}"`;
  return [start, end];
}

function indexOrUndefined(list: string[], s: string): number | undefined {
  const i = list.indexOf(s);
  return i < 0 ? undefined : i;
}

function plusOne(n: number | undefined): number | undefined {
  return n === undefined ? undefined : n + 1;
}

function inRange(n: number, min: number, max: number): number | undefined {
  return n >= min && n <= max ? n : undefined;
}
