// Retry-After (RFC 9110 §10.2.3): either a number of seconds or an HTTP date. Servers get both wrong in
// practice (negative numbers, dates in the past, garbage), so anything unusable means "no advice".

/** Milliseconds to wait from `now`, or undefined when the header is absent or unusable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only accept something that looks like a date: Date.parse is lenient enough to read "12" as a year.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
