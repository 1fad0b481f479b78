// Times for people on the watch's wall clock (its `timezone`, Europe/Kyiv for the shipped watch): the
// analysts read the watch in that zone, whatever zone the server runs in.

const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formats.set(timeZone, f);
  }
  return f;
}

function parts(at: number, timeZone: string): Record<string, string> {
  return Object.fromEntries(
    format(timeZone)
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
}

/** `2026-03-05 14:20 EET`: date, time and the zone's abbreviation at that instant. */
export function zonedTime(at: number, timeZone: string): string {
  const p = parts(at, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName}`;
}

/** `05.03`: the day and month on the watch's clock, for a chart's time axis. */
export function zonedDay(at: number, timeZone: string): string {
  const p = parts(at, timeZone);
  return `${p.day}.${p.month}`;
}

/** `14:20`, on the watch's clock. */
export function zonedClock(at: number, timeZone: string): string {
  const p = parts(at, timeZone);
  return `${p.hour}:${p.minute}`;
}
