// When a digest's cron schedule fires, computed rather than timed: the tick asks "did the schedule fire
// between the last look and now?", so any process can answer it and the answer does not depend on a timer
// having run in this process. cron-parser supplies the cron semantics and the time zone, DST included;
// config/cron.ts validates with the same parser, so a schedule that loads is one this can answer.

import { CronExpressionParser } from 'cron-parser';

const MINUTE = 60_000;
/** Looking further back than this is a process that was away; the digest then goes at once, once. */
const MAX_SCAN_MS = 8 * 24 * 60 * MINUTE;

/** The latest firing in (from, to] of the schedule in the time zone, or undefined. */
export function cronDueBetween(expression: string, timeZone: string, from: number, to: number): number | undefined {
  // prev() looks strictly before its start; a start just past `to` lets a firing at `to` itself count.
  const schedule = CronExpressionParser.parse(expression, { currentDate: new Date(to + 1), tz: timeZone });
  const start = Math.max(from, to - MAX_SCAN_MS);
  // When both day fields are restricted, a day matching either fires ("0 7 1 * 1" is the 1st and every
  // Monday). cron(8) takes a field that starts with "*" ("*/2") as unrestricted, so then both must match;
  // cron-parser takes it as restricted, and its firings are a superset: keep those on days both allow.
  const both = starredDayField(expression);
  const days = {
    dom: new Set<number>(schedule.fields.dayOfMonth.values.map(Number)),
    dow: new Set<number>(schedule.fields.dayOfWeek.values.map((d) => Number(d) % 7)),
  };
  while (schedule.hasPrev()) {
    const fired = schedule.prev();
    const at = fired.getTime();
    if (at <= start) return undefined;
    if (!both || (days.dom.has(fired.getDate()) && days.dow.has(fired.getDay()))) return at;
  }
  return undefined;
}

/** Whether a day field is a step over "*" while the other is restricted: cron(8) then ANDs them. */
function starredDayField(expression: string): boolean {
  const raw = expression.trim().split(/\s+/);
  const [dom, dow] = raw.length === 6 ? [raw[3], raw[5]] : [raw[2], raw[4]];
  const bare = (f: string | undefined) => f === '*' || f === '?';
  const stepped = (f: string | undefined) => !!f?.startsWith('*') && !bare(f);
  return (stepped(dom) && !bare(dow)) || (stepped(dow) && !bare(dom));
}
