// HTML helpers for the server-rendered pages: every string that came from a feed, a page or the watchbook
// goes through esc() (text and attribute values alike), and links only through safeHref().

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text or attribute value, escaped for HTML. */
export function esc(value: string | number | boolean | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** The URL when it is http(s), else undefined: no javascript:, data: or relative links from scraped text. */
export function safeHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}

/** A link when the URL is http(s), else the text alone. */
export function link(text: string, url: string | undefined): string {
  const href = safeHref(url);
  return href ? `<a href="${esc(href)}" rel="noopener noreferrer nofollow">${esc(text)}</a>` : esc(text);
}

/** "3 min ago", "2 h ago", "in 5 min": a time relative to now, for people. */
export function ago(at: number | undefined, now: number): string {
  if (at === undefined || !Number.isFinite(at)) return 'never';
  const s = Math.round((now - at) / 1000);
  const abs = Math.abs(s);
  const text =
    abs < 90
      ? `${abs} s`
      : abs < 5400
        ? `${Math.round(abs / 60)} min`
        : abs < 172_800
          ? `${Math.round(abs / 3600)} h`
          : `${Math.round(abs / 86_400)} d`;
  return s >= 0 ? `${text} ago` : `in ${text}`;
}

/** Milliseconds as a short duration ("6 h", "3 d"). */
export function duration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}

export function isoDate(at: number): string {
  return new Date(at).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** Content-Security-Policy for our pages: script only from files of this origin (assets.ts), never inline. */
export const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:";

export interface PageOptions {
  /** The sections' digest (overview.ts stampOf) the page was drawn from, for overview.js. */
  stamp?: string;
  /** How often overview.js asks whether the page changed. */
  pollMs?: number;
  /** Load overview.js (filters as you type, feedback without a reload, the page kept current). */
  script?: boolean;
}

/** A whole page; `body` must be escaped HTML already. Style and script are files (assets.ts): the CSP allows no inline ones. */
export function page(title: string, body: string, opts: PageOptions = {}): string {
  const data = `${opts.stamp ? ` data-stamp="${esc(opts.stamp)}"` : ''}${opts.pollMs ? ` data-poll-ms="${esc(opts.pollMs)}"` : ''}`;
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${esc(title)}</title><link rel="stylesheet" href="static/overview.css">${opts.script ? '<script src="static/overview.js" defer></script>' : ''}</head>` +
    `<body${data}>${body}</body></html>`
  );
}
