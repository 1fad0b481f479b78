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
  const text = abs < 90 ? `${abs} s` : abs < 5400 ? `${Math.round(abs / 60)} min` : abs < 172_800 ? `${Math.round(abs / 3600)} h` : `${Math.round(abs / 86_400)} d`;
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

/** Content-Security-Policy for our pages: no script at all is needed, inline script is forbidden. */
export const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:";

const STYLE = `
body{font:16px/1.45 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:0 1rem 3rem;color:#1b1b1b;background:#fff}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:.92rem}td,th{text-align:left;padding:.3rem .4rem;border-bottom:1px solid #eee;vertical-align:top}
.scroll{overflow-x:auto}.bad{color:#a40000;font-weight:600}.ok{color:#1d6b1d}.muted{color:#666}
.scn{display:flex;flex-wrap:wrap;gap:1rem}.card{border:1px solid #ddd;border-radius:6px;padding:.6rem .8rem;flex:1 1 16rem}
.p{font-size:1.6rem;font-weight:600}svg{width:100%;height:60px}ul{padding-left:1.2rem}
`;

/** A whole page; `body` must be escaped HTML already. */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${esc(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}
