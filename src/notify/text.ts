// Text helpers shared by the email and Slack renderers: cleaning scraped strings, escaping them for each
// medium, telling web links from everything else, and formatting numbers and times the same way everywhere.

// C0 controls other than tab and newline, DEL, C1 controls, and the Unicode bidirectional controls that
// can make a headline read backwards (CVE-2021-42574 "Trojan Source"): none belongs in an alert.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A scraped string made safe to show on one line: controls removed, runs of whitespace collapsed. */
export function oneLine(value: string, max = 300): string {
  return truncate(value.replace(CONTROL, '').replace(/\s+/g, ' ').trim(), max);
}

/** At most `max` characters (code points, so a surrogate pair is never cut), with "…" when cut. */
export function truncate(value: string, max: number): string {
  const chars = Array.from(value);
  if (chars.length <= max) return value;
  return `${chars
    .slice(0, Math.max(0, max - 1))
    .join('')
    .trimEnd()}…`;
}

/** For HTML text and attribute values (https://html.spec.whatwg.org/#escapingString plus quotes). */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * For Slack text: `&`, `<` and `>` are the only characters Slack reads as control sequences
 * (https://api.slack.com/reference/surfaces/formatting#escaping), so `<!channel>` or `<https://x|click>`
 * from a headline stays text.
 */
export function escapeSlack(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The URL when it is an absolute http(s) URL without credentials, serialized by the WHATWG parser (so
 * spaces, quotes and angle brackets are percent-encoded); undefined for anything else (`javascript:`,
 * `data:`, relative, malformed), which is then shown as text and never as a link.
 */
export function webUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password) return undefined;
  // `|` separates a Slack link from its label; the parser leaves it in paths and queries.
  const href = url.href.replace(/\|/g, '%7C');
  return href.length <= 2000 ? href : undefined;
}

/** A probability as a percentage: whole numbers, but never "0%" or "100%" for what is only close to it. */
export function percent(p: number): string {
  if (!Number.isFinite(p)) return '?';
  if (p > 0 && p < 0.005) return '<1%';
  if (p < 1 && p > 0.995) return '>99%';
  return `${Math.round(p * 100)}%`;
}

/** A change of probability in percentage points, signed: "+6 pts", "-12 pts", "±0 pts". */
export function points(change: number): string {
  if (!Number.isFinite(change)) return '?';
  const pts = Math.round(change * 100);
  return pts === 0 ? '±0 pts' : `${pts > 0 ? '+' : '-'}${Math.abs(pts)} pts`;
}

/** A weight in nats, signed, two decimals: "+0.80", "-0.40". */
export function signed(value: number): string {
  if (!Number.isFinite(value)) return '?';
  const fixed = Math.abs(value).toFixed(2);
  return value < 0 && fixed !== '0.00' ? `-${fixed}` : `+${fixed}`;
}

/** "2026-01-05 09:30 Europe/Kyiv": the watch's time zone, UTC when none is given or it is unknown. */
export function formatTime(ms: number, timeZone = 'UTC'): string {
  if (!Number.isFinite(ms)) return '?';
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
  } catch {
    return formatTime(ms, 'UTC');
  }
  const part: Record<string, string> = {};
  for (const p of format.formatToParts(new Date(ms))) part[p.type] = p.value;
  // The zone as the watchbook spells it: ICU would print its own canonical name ("Europe/Kiev").
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute} ${timeZone}`;
}

/** "2026-01-05" in the watch's time zone. */
export function formatDate(ms: number, timeZone = 'UTC'): string {
  return formatTime(ms, timeZone).split(' ')[0] ?? '?';
}
