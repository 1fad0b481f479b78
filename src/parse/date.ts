// Dates as real feeds and pages write them, read without `new Date(string)`: V8's fallback parser reads
// many non-ISO strings in the machine's local time zone, so the same feed would give different instants
// on different machines. Every result is UTC, as an ISO 8601 string.

/** Earlier than this is a placeholder (0001-01-01, the epoch), not a publication date. */
const EARLIEST = Date.UTC(1990, 0, 1);
/** Clocks and time zones drift a little; a date further ahead than this is a typo or a scheduled post. */
const MAX_AHEAD_MS = 24 * 3600 * 1000;

// RFC 822 section 5.1 zones, plus the abbreviations feeds in our languages and regions actually use.
// Ambiguous ones (IST: India, Ireland or Israel) are left out: such a date is read as UTC.
// prettier-ignore
const ZONES: Record<string, number> = {
  Z: 0, UT: 0, UTC: 0, GMT: 0, WET: 0,
  EST: -5, EDT: -4, CST: -6, CDT: -5, MST: -7, MDT: -6, PST: -8, PDT: -7, AKST: -9, AKDT: -8, HST: -10,
  BST: 1, CET: 1, CEST: 2, MET: 1, MEST: 2, WEST: 1, EET: 2, EEST: 3, MSK: 3, MSD: 4,
  JST: 9, KST: 9, HKT: 8, SGT: 8, AEST: 10, AEDT: 11, NZST: 12, NZDT: 13,
};

// Month names by prefix: English, then Russian and Ukrainian (nominative and genitive share a stem).
// prettier-ignore
const MONTHS: readonly [string, number][] = [
  ['jan', 1], ['feb', 2], ['mar', 3], ['apr', 4], ['may', 5], ['jun', 6], ['jul', 7], ['aug', 8], ['sep', 9],
  ['oct', 10], ['nov', 11], ['dec', 12],
  ['янв', 1], ['фев', 2], ['мар', 3], ['апр', 4], ['мая', 5], ['май', 5], ['июн', 6], ['июл', 7], ['авг', 8],
  ['сен', 9], ['окт', 10], ['ноя', 11], ['дек', 12],
  ['січ', 1], ['лют', 2], ['бер', 3], ['кві', 4], ['тра', 5], ['чер', 6], ['лип', 7], ['сер', 8], ['вер', 9],
  ['жов', 10], ['лис', 11], ['гру', 12],
];

const ZONE = String.raw`(Z|[+-]\d{2}:?\d{2}|[+-]\d{2}|(?:GMT|UTC)[+-]\d{1,2}(?::?\d{2})?|[A-Za-z]{1,5})`;
const TIME = String.raw`(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?`;

// 2026-07-17T14:30:00.52+03:00, 2019-05-18 10:58:46 +0300, 2026-07-17, 2026/07/17 14:30
const ISO = new RegExp(String.raw`^(\d{4})[-/](\d{2})[-/](\d{2})(?:[T ]${TIME})?\s*${ZONE}?$`, 'i');
// Tue, 17 Feb 2026 20:19:37 -0500; 19 jan 2026 00:00:00 GMT; 10 Dec 17 13:01 PST; 17 липня 2026
const RFC = new RegExp(
  String.raw`^(?:\p{L}+\.?,?\s+)?(\d{1,2})[\s-]+(\p{L}+)\.?,?[\s-]+(\d{2}|\d{4})(?:(?:,?\s+|T)${TIME})?\s*${ZONE}?$`,
  'iu',
);
// July 17, 2026; Thursday, Jul 17 2026 2:30 PM EDT
const US = new RegExp(
  String.raw`^(?:\p{L}+,?\s+)?(\p{L}+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?:,?\s+(?:at\s+)?${TIME}\s*([ap]\.?m\.?)?)?\s*${ZONE}?$`,
  'iu',
);
// 17.07.2026, 17.07.2026 14:30 (day first, as Ukrainian and Russian sites write it)
const DOTTED = new RegExp(String.raw`^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,?\s+${TIME})?\s*${ZONE}?$`);
const EPOCH = /^\d{9,13}(?:\.\d+)?$/;

/**
 * Read a date as feeds and pages write it (RFC 822/1123 with named or numeric zones, ISO 8601, Unix epoch
 * numbers, "July 17, 2026", "17.07.2026", Russian and Ukrainian month names). Returns an ISO 8601 UTC string,
 * or undefined when the text is not a date we can trust: unreadable, before 1990, or more than a day after
 * `now`. A date without a time is midnight UTC; a date without a zone, or with an unknown one, is read as UTC.
 */
export function parseDate(text: string | undefined, now: number = Date.now()): string | undefined {
  if (text === undefined) return undefined;
  // "(UTC)" comments after RFC 822 dates; "г." / "р." (year) after Russian and Ukrainian ones
  const s = text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\s*\([^)]*\)$/, '')
    .replace(/\s+(?:г|р)\.?$|\s+року$/u, '');
  if (!s) return undefined;
  const ms = readDate(s);
  if (ms === undefined || Number.isNaN(ms) || ms < EARLIEST || ms > now + MAX_AHEAD_MS) return undefined;
  return new Date(ms).toISOString();
}

function readDate(s: string): number | undefined {
  if (EPOCH.test(s)) {
    const n = Number(s);
    return s.split('.')[0]!.length >= 12 ? n : n * 1000;
  }
  let m = ISO.exec(s);
  if (m) return build(+m[1]!, +m[2]!, +m[3]!, [m[4], m[5], m[6], m[7]], m[8]);
  m = RFC.exec(s);
  if (m) return build(fullYear(m[3]!), month(m[2]!), +m[1]!, [m[4], m[5], m[6], m[7]], m[8]);
  m = US.exec(s);
  if (m) return build(+m[3]!, month(m[1]!), +m[2]!, [twelveHour(m[4], m[8]), m[5], m[6], m[7]], m[9]);
  m = DOTTED.exec(s);
  if (m) return build(+m[3]!, +m[2]!, +m[1]!, [m[4], m[5], m[6], m[7]], m[8]);
  return undefined;
}

type Clock = [hh: string | undefined, mm: string | undefined, ss: string | undefined, fraction: string | undefined];

function build(
  year: number,
  mon: number | undefined,
  day: number,
  [hh, mm, ss, fraction]: Clock,
  zone: string | undefined,
): number | undefined {
  if (mon === undefined || mon < 1 || mon > 12) return undefined;
  if (day < 1 || day > new Date(Date.UTC(year, mon, 0)).getUTCDate()) return undefined;
  const h = hh === undefined ? 0 : +hh;
  const min = mm === undefined ? 0 : +mm;
  const sec = ss === undefined ? 0 : Math.min(+ss, 59); // a leap second reads as :59
  if (h > 23 || min > 59 || sec > 59) return undefined;
  const offset = zoneOffsetMinutes(zone);
  if (offset === undefined) return undefined;
  const ms = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  return Date.UTC(year, mon - 1, day, h, min, sec, ms) - offset * 60_000;
}

/** Minutes east of UTC; 0 for no zone or an unknown name; undefined for a malformed numeric offset. */
function zoneOffsetMinutes(zone: string | undefined): number | undefined {
  if (!zone) return 0;
  const named = ZONES[zone.toUpperCase()];
  if (named !== undefined) return named * 60;
  const m = /^(?:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?$/i.exec(zone);
  if (!m) return /^[A-Za-z]+$/.test(zone) ? 0 : undefined;
  const hours = +m[2]!;
  const minutes = m[3] === undefined ? 0 : +m[3];
  if (hours > 14 || minutes > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function month(name: string): number | undefined {
  const lower = name.toLowerCase();
  return MONTHS.find(([prefix]) => lower.startsWith(prefix))?.[1];
}

/** RFC 2822 section 4.3: a two-digit year 00-49 is 20xx, 50-99 is 19xx. */
function fullYear(y: string): number {
  const n = +y;
  if (y.length === 4) return n;
  return n < 50 ? 2000 + n : 1900 + n;
}

function twelveHour(hh: string | undefined, ampm: string | undefined): string | undefined {
  if (hh === undefined || ampm === undefined) return hh;
  const h = +hh % 12;
  return String(/^p/i.test(ampm) ? h + 12 : h);
}
