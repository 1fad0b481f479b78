// Dates in the watchbook without an explicit offset (`2026-06-01`, `2026-06-01T09:00`) mean that wall-clock
// time in the watch's time zone: an analyst in Kyiv writing a NATO summit window means Kyiv days.

const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

/** Epoch milliseconds of a watchbook date, reading dates without an offset in `timeZone`. */
export function parseDateIn(text: string, timeZone: string): number {
  if (HAS_OFFSET.test(text)) return Date.parse(text);
  const asUtc = Date.parse(`${text.length === 10 ? `${text}T00:00:00` : text.replace(' ', 'T')}Z`);
  // The zone's offset at that instant; a second pass settles dates near a daylight-saving change.
  const first = asUtc - offsetMs(asUtc, timeZone);
  return asUtc - offsetMs(first, timeZone);
}

/** How far the zone's wall clock is ahead of UTC at an instant. */
function offsetMs(epochMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(epochMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(epochMs / 1000) * 1000;
}

const DAY_MS = 86_400_000;

/**
 * The end of a period: a date alone (`to: 2026-07-15`) means through that whole day, so its last
 * millisecond in the zone; a date-time is taken as written.
 */
export function parseEndDateIn(text: string, timeZone: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text))
    return parseDateIn(new Date(Date.parse(`${text}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10), timeZone) - 1;
  return parseDateIn(text, timeZone);
}
