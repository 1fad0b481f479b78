// A syntax check of cron schedules (minute hour day-of-month month day-of-week, optionally seconds first),
// enough to refuse a typo at load time; the scheduler parses them for real.

interface CronField {
  min: number;
  max: number;
  names?: RegExp;
}

const MONTHS = /^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)$/i;
const WEEKDAYS = /^(sun|mon|tue|wed|thu|fri|sat)$/i;
const SECONDS: CronField = { min: 0, max: 59 };
const FIELDS: CronField[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS },
  { min: 0, max: 7, names: WEEKDAYS },
];

export function isCron(expr: string): boolean {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) return false;
  const fields = parts.length === 6 ? [SECONDS, ...FIELDS] : FIELDS;
  return parts.every((part, i) => part.split(',').every((item) => isCronItem(item, fields[i]!)));
}

function isCronItem(item: string, { min, max, names }: CronField): boolean {
  const m = /^(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:\/(\d+))?$/i.exec(item);
  if (!m) return false;
  if (m[2] !== undefined && Number(m[2]) === 0) return false;
  if (m[1] === '*') return true;
  return m[1]!.split('-').every((v) => names?.test(v) || (/^\d+$/.test(v) && Number(v) >= min && Number(v) <= max));
}
