// The parts of a digest email that take more than a line: each event (its headline, a snippet with the
// matched words highlighted, sources, rules, links to the item and to the overview) and each scenario's
// trend picture (trend-image.ts says why a PNG attached by Content-ID). Scraped text is escaped in HTML and
// left plain in text: the text part marks nothing inside it, since some clients turn *x* or _x_ into style.
import type { Digest, DigestEvent } from '../model/alert.js';
import { highlight, type Part } from './explain.js';
import { escapeHtml, formatTime, oneLine, percent, signed, webUrl } from './text.js';
import { TREND_HEIGHT, TREND_WIDTH, trendPng, trendText } from './trend-image.js';

/** An image carried inside the message and shown where the HTML says `cid:{cid}`. */
export interface EmailAttachment {
  filename: string;
  contentType: 'image/png';
  cid: string;
  content: Buffer;
}

export function htmlParts(parts: readonly Part[]): string {
  return parts
    .map((p) => {
      if (p.kind === 'link') return `<a href="${escapeHtml(p.href)}">${escapeHtml(p.text)}</a>`;
      if (p.kind === 'term') return `<mark>${escapeHtml(p.text)}</mark>`;
      return escapeHtml(p.text);
    })
    .join('');
}

const SMALL = 'color:#555;font-size:13px';

export interface EventOptions {
  timeZone?: string;
  /** The overview's URL, already checked with webUrl. */
  overview?: string;
}

/** "source a · rule r · matched x, y · weights risk +0.80 (nats) · indicator i": one line of facts. */
function facts(ev: DigestEvent): string {
  const list = (values: readonly string[], max: number) =>
    values
      .map((v) => oneLine(v, max))
      .filter(Boolean)
      .join(', ');
  const terms = list(ev.terms, 100);
  const weights = Object.entries(ev.weights)
    .map(([id, w]) => `${oneLine(id, 60)} ${signed(w)}`)
    .join(', ');
  return [
    `source${ev.sources.length > 1 ? 's' : ''} ${list(ev.sources.length ? ev.sources : [ev.source], 100)}`,
    `rule${ev.rules.length > 1 ? 's' : ''} ${list(ev.rules, 100)}`,
    terms && `matched ${terms}`,
    weights && `weights ${weights} (nats)`,
    ev.indicators.length > 0 && `indicator${ev.indicators.length > 1 ? 's' : ''} ${list(ev.indicators, 100)}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** The event's lines in the text part, numbered. */
export function eventText(ev: DigestEvent, n: number, opts: EventOptions): string[] {
  const headline = oneLine(ev.title);
  const href = webUrl(ev.url);
  const link = href ?? (ev.url ? `${oneLine(ev.url, 300)} (not a web link, not opened)` : undefined);
  const snippet = ev.snippet ? oneLine(ev.snippet, 500) : '';
  return [
    `  ${n}. ${formatTime(ev.at, opts.timeZone)}  ${headline}`,
    ...(snippet && snippet !== headline ? [`     "${snippet}"`] : []),
    `     ${facts(ev)}`,
    ...(link ? [`     ${link}`] : []),
    ...(ev.also ?? []).map((r) => {
      const url = webUrl(r.url);
      return `     also: ${oneLine(r.title)} (${oneLine(r.source, 100)})${url ? ` ${url}` : ''}`;
    }),
    ...(opts.overview ? [`     overview: ${opts.overview}`] : []),
  ];
}

/** The event as a list item: the headline linked, the snippet with the matched words marked, the facts. */
export function eventHtml(ev: DigestEvent, opts: EventOptions): string {
  const headline = oneLine(ev.title);
  const href = webUrl(ev.url);
  const snippet = ev.snippet ? oneLine(ev.snippet, 500) : '';
  // Without a snippet of its own, the headline is the snippet: its matched words are marked in it.
  const marked = htmlParts(highlight(headline, ev.terms));
  const head = href
    ? `<a href="${escapeHtml(href)}">${snippet ? escapeHtml(headline) : marked}</a>`
    : snippet
      ? escapeHtml(headline)
      : marked;
  const lines = [`<span style="${SMALL}">${escapeHtml(formatTime(ev.at, opts.timeZone))}</span><br>${head}`];
  if (snippet && snippet !== headline)
    lines.push(`<span style="font-size:14px">${htmlParts(highlight(snippet, ev.terms))}</span>`);
  lines.push(`<span style="${SMALL}">${escapeHtml(facts(ev))}</span>`);
  if (!href && ev.url)
    lines.push(`<span style="${SMALL}">${escapeHtml(`${oneLine(ev.url, 300)} (not a web link, not opened)`)}</span>`);
  for (const r of ev.also ?? []) {
    const title = oneLine(r.title);
    const url = webUrl(r.url);
    lines.push(
      `<span style="${SMALL}">also: ${url ? `<a href="${escapeHtml(url)}">${escapeHtml(title)}</a>` : escapeHtml(title)} (${escapeHtml(oneLine(r.source, 100))})</span>`,
    );
  }
  const links = [
    href && `<a href="${escapeHtml(href)}">open the item</a>`,
    opts.overview && `<a href="${escapeHtml(opts.overview)}">see it on the overview</a>`,
  ].filter(Boolean);
  if (links.length) lines.push(`<span style="${SMALL}">${links.join(' · ')}</span>`);
  return `<li style="margin:0 0 10px">${lines.join('<br>')}</li>`;
}

export interface TrendPicture {
  attachment: EmailAttachment;
  html: string;
  text: string;
}

/** A scenario's trend as a picture and a text line; undefined when it has no state in the span. */
export function trendPicture(
  s: Digest['scenarios'][number],
  n: number,
  from: number,
  to: number,
): TrendPicture | undefined {
  const points = s.trend ?? [];
  if (!points.length || !(to > from)) return undefined;
  const chart = {
    points,
    from,
    to,
    ...(s.enter !== undefined && { enter: s.enter }),
    ...(s.exit !== undefined && { exit: s.exit }),
  };
  const days = Math.round((to - from) / 86_400_000);
  const span = days >= 1 ? `last ${days} day${days === 1 ? '' : 's'}` : 'since the first state';
  const thresholds =
    s.enter !== undefined && s.exit !== undefined
      ? ` (alert at ${percent(s.enter)}, clears under ${percent(s.exit)})`
      : '';
  const id = oneLine(s.id, 60);
  const alt = `${id} over the ${span}: ${percent(points[0]!.probability)} to ${percent(points[points.length - 1]!.probability)}${thresholds}`;
  // Content-IDs are ours, never a scenario id: an id is safe, but the index needs no checking at all.
  const cid = `trend-${n}@signpost.invalid`;
  return {
    attachment: { filename: `trend-${n}.png`, contentType: 'image/png', cid, content: trendPng(chart) },
    html: `<img src="cid:${cid}" width="${TREND_WIDTH}" height="${TREND_HEIGHT}" alt="${escapeHtml(alt)}" style="display:block;border:0">`,
    text: `${trendText(chart)}  ${span}${thresholds}`,
  };
}
