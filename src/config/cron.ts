// A syntax check of cron schedules (minute hour day-of-month month day-of-week, optionally seconds first),
// enough to refuse a typo at load time; the scheduler parses them for real.

const RANGES: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];
const NAMES = /^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat)$/i;

export function isCron(expr: string): boolean {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) return false;
  const ranges = parts.length === 6 ? [[0, 59] as [number, number], ...RANGES] : RANGES;
  return parts.every((part, i) => part.split(',').every((item) => isCronItem(item, ranges[i]!)));
}

function isCronItem(item: string, [min, max]: [number, number]): boolean {
  const m = /^(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:\/(\d+))?$/i.exec(item);
  if (!m) return false;
  if (m[2] !== undefined && Number(m[2]) === 0) return false;
  if (m[1] === '*') return true;
  return m[1]!.split('-').every((v) => NAMES.test(v) || (/^\d+$/.test(v) && Number(v) >= min && Number(v) <= max));
}
