import nodeCron from 'node-cron';

// When a digest's cron schedule fires, computed rather than timed: the tick asks "did the schedule fire
// between the last look and now?", so any process can answer it and the answer does not depend on a timer
// having run in this process.

const MINUTE = 60_000;
/** Looking further back than this is a process that was away; the digest then goes at once, once. */
const MAX_SCAN_MINUTES = 8 * 24 * 60;

/** The latest minute in (from, to] at which the schedule fires in the time zone, or undefined. */
export function cronDueBetween(expression: string, timeZone: string, from: number, to: number): number | undefined {
  const fields = nodeCron.parse(expression);
  const allowed = {
    minute: new Set(fields.minute),
    hour: new Set(fields.hour),
    day: new Set(fields.dayOfMonth.map(Number)),
    month: new Set(fields.month),
    weekday: new Set(fields.dayOfWeek.map((d) => Number(d) % 7)),
  };
  // As cron(8) has it: when both day fields are restricted (neither starts with `*`), a day matching either
  // fires ("0 7 1 * 1" is the 1st and every Monday); otherwise both must match (one of them is every day).
  const raw = expression.trim().split(/\s+/);
  const [dom, dow] = raw.length === 6 ? [raw[3], raw[5]] : [raw[2], raw[4]];
  const either = !dom?.startsWith('*') && !dow?.startsWith('*');
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
  const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const start = Math.max(from, to - MAX_SCAN_MINUTES * MINUTE);
  for (let t = Math.floor(to / MINUTE) * MINUTE; t > start; t -= MINUTE) {
    const p = Object.fromEntries(parts.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    const day = allowed.day.has(Number(p.day));
    const weekday = allowed.weekday.has(weekdays.indexOf(String(p.weekday)));
    if (allowed.minute.has(Number(p.minute)) && allowed.hour.has(Number(p.hour)) && allowed.month.has(Number(p.month)) && (either ? day || weekday : day && weekday)) {
      return t;
    }
  }
  return undefined;
}
