// Time intervals, after Alertmanager's (timeinterval/timeinterval.go, `TimeInterval.ContainsTime`), read on
// the wall clock of the watch's time zone, so `08:00` is 08:00 in Kyiv in winter (06:00 UTC) and in summer
// (05:00 UTC), and a daylight-saving night is as long as the clock says. An interval is a list of specs, any
// of which may hold; a spec holds when each field it gives does (times, weekdays, days_of_month, months,
// years), an absent field always holding. Times start inclusive and end exclusive, by the minute; a range
// does not cross midnight (write `22:00`-`24:00` and `00:00`-`06:00`).
//
// A route's `mute_time_intervals` keep it from notifying while inside any of them, its
// `active_time_intervals` while outside all of them (pipeline/dispatch.ts notificationsDue). As in
// Alertmanager, the decision is only not taken while muted: nothing is recorded, so what still fires when
// the mute ends is sent then, and what resolved inside it never is.

import type { Route, TimeIntervalSpec } from '../model/watchbook.js';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const formats = new Map<string, Intl.DateTimeFormat>();

/** The wall clock of `timeZone` at `at`. */
export function wallClock(
  at: number,
  timeZone: string,
): { year: number; month: number; day: number; weekday: number; minute: number } {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: 'numeric',
      minute: 'numeric',
    });
    formats.set(timeZone, format);
  }
  const p = Object.fromEntries(format.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    weekday: WEEKDAYS.indexOf(String(p.weekday)),
    minute: Number(p.hour) * 60 + Number(p.minute),
  };
}

/** Whether `at` is inside the interval (any of its specs) on the wall clock of `timeZone`. */
export function insideTimeInterval(specs: readonly TimeIntervalSpec[], at: number, timeZone: string): boolean {
  const t = wallClock(at, timeZone);
  const daysInMonth = new Date(Date.UTC(t.year, t.month, 0)).getUTCDate();
  // -1 is the month's last day; a day past the month's end (31 in April) matches no day.
  const dayOf = (d: number) => (d < 0 ? daysInMonth + 1 + d : d);
  const within = (ranges: readonly (readonly [number, number])[] | undefined, v: number, map = (x: number) => x) =>
    ranges === undefined || ranges.some(([a, b]) => map(a) <= v && v <= map(b));
  return specs.some(
    (s) =>
      (s.times === undefined || s.times.some((r) => r.startMinute <= t.minute && t.minute < r.endMinute)) &&
      within(s.weekdays, t.weekday) &&
      within(s.daysOfMonth, t.day, dayOf) &&
      within(s.months, t.month) &&
      within(s.years, t.year),
  );
}

/**
 * Why a route sends nothing at `now`: `inside mute_time_intervals "nights"` or `outside
 * active_time_intervals "office-hours"`; undefined when it may send. An interval name the watchbook lacks
 * cannot get here: the loader refuses it.
 */
export function routeMuted(
  route: Pick<Route, 'muteTimeIntervals' | 'activeTimeIntervals'>,
  intervals: Readonly<Record<string, readonly TimeIntervalSpec[]>>,
  timeZone: string,
  now: number,
): string | undefined {
  const inside = (name: string) => insideTimeInterval(intervals[name] ?? [], now, timeZone);
  const mute = route.muteTimeIntervals?.find(inside);
  if (mute !== undefined) return `inside mute_time_intervals "${mute}"`;
  const active = route.activeTimeIntervals;
  if (active?.length && !active.some(inside))
    return `outside active_time_intervals ${active.map((n) => `"${n}"`).join(', ')}`;
  return undefined;
}
