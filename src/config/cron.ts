// A check of cron schedules (minute hour day-of-month month day-of-week, optionally seconds first) with the
// parser that computes their firings (alerts/cron-due.ts, cron-parser), so a schedule that loads is one the
// tick can answer, and one it could not (a typo, the 30th of February) is refused at load time.
import { CronExpressionParser } from 'cron-parser';

export function isCron(expr: string): boolean {
  const parts = expr.trim().split(/\s+/);
  // Five or six fields, as the message asks for: no "@daily" aliases, and no Jenkins "H", whose value
  // depends on a seed the schedule does not carry.
  if (parts.length !== 5 && parts.length !== 6) return false;
  if (parts.some((p) => /h/i.test(p.replace(/thu|thursday/gi, '')))) return false;
  try {
    return CronExpressionParser.parse(expr, { currentDate: new Date(0), tz: 'UTC' }).hasNext();
  } catch {
    return false;
  }
}
