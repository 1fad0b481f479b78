// What a notification says about each alert, once, as structured parts; the email (text and HTML) and
// Slack renderers only serialize them, each with its own escaping. Every string from the outside world
// (headline, context, terms, status, reason, even labels) enters here as a plain text part and is cleaned;
// only a validated http(s) URL becomes a link part.
import { createHash } from 'node:crypto';
import type { Alert } from '../model/alert.js';
import { formatTime, oneLine, percent, signed, webUrl } from './text.js';

export type Part =
  | { kind: 'text'; text: string }
  /** A matched term, shown highlighted. */
  | { kind: 'term'; text: string }
  /** `href` is always an http(s) URL from webUrl(). */
  | { kind: 'link'; text: string; href: string };

export interface Field {
  label: string;
  parts: Part[];
}

export interface AlertView {
  /** The headline, linked when its URL is a web link; the summary for alerts without an item. */
  heading: Part[];
  /** Kind, severity, indicator or scenario, and time, on one line. */
  meta: string;
  fields: Field[];
  /** The item's URL when it is a web link (for buttons). */
  href?: string;
}

const text = (t: string): Part => ({ kind: 'text', text: t });

/**
 * Every case-insensitive occurrence of a term in the context becomes a term part. A word written as a prefix
 * (`reject*`) marks the whole word it starts ("rejects"); a `re:` term is not shown (its pattern is not a word).
 */
export function highlight(context: string, terms: readonly string[]): Part[] {
  const words = [...new Set(terms.map((t) => oneLine(t, 100)).filter((t) => t.length > 0 && !t.startsWith('re:')))]
    .sort((a, b) => b.length - a.length)
    .slice(0, 50);
  if (words.length === 0) return [text(context)];
  const escaped = words.map((w) =>
    w.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&').replace(/\\\*(?=\s|$)/g, "[\\p{L}\\p{M}\\p{N}'’]*"),
  );
  const pattern = new RegExp(escaped.join('|'), 'giu');
  const parts: Part[] = [];
  let at = 0;
  for (const m of context.matchAll(pattern)) {
    // A term of a lone "*" matches nothing visible.
    if (!m[0]) continue;
    if (m.index > at) parts.push(text(context.slice(at, m.index)));
    parts.push({ kind: 'term', text: m[0] });
    at = m.index + m[0].length;
  }
  if (at < context.length) parts.push(text(context.slice(at)));
  return parts;
}

/** Scenario ids in a stable order: those of `after` first, then any only in `before`. */
function scenarioIds(...records: (Record<string, number> | undefined)[]): string[] {
  const ids: string[] = [];
  for (const r of records) for (const id of Object.keys(r ?? {})) if (!ids.includes(id)) ids.push(id);
  return ids;
}

function probabilities(before?: Record<string, number>, after?: Record<string, number>): string | undefined {
  const ids = scenarioIds(after, before);
  if (ids.length === 0) return undefined;
  return ids
    .map((id) => {
      const b = before?.[id];
      const a = after?.[id];
      if (b !== undefined && a !== undefined) return `${oneLine(id, 60)} ${percent(b)} → ${percent(a)}`;
      return `${oneLine(id, 60)} ${percent((a ?? b)!)}`;
    })
    .join(', ');
}

/** Everything an analyst checks about one alert, in a fixed order; fields the alert lacks are left out. */
export function viewAlert(alert: Alert, timeZone?: string): AlertView {
  const e = alert.explanation;
  const href = webUrl(e.url);
  const headline = oneLine(e.title || alert.summary || alert.kind);
  const heading: Part[] = href ? [{ kind: 'link', text: headline, href }] : [text(headline)];

  const labels = alert.labels;
  const meta = [
    alert.kind,
    labels.severity && `severity ${labels.severity}`,
    labels.indicator && `indicator ${labels.indicator}`,
    labels.scenario && `scenario ${labels.scenario}`,
    formatTime(alert.startsAt, timeZone),
  ]
    .filter((x): x is string => Boolean(x))
    .map((x) => oneLine(x, 100))
    .join(' · ');

  const fields: Field[] = [];
  const add = (label: string, parts: Part[] | string | undefined): void => {
    if (parts === undefined || parts === '') return;
    fields.push({ label, parts: typeof parts === 'string' ? [text(parts)] : parts });
  };
  // The summary says what happened when the headline alone does not (scenario crossings, health).
  if (alert.summary && oneLine(alert.summary) !== headline) add('Summary', oneLine(alert.summary));
  const rule = e.rule && oneLine(e.rule, 100);
  const ruleTitle = e.ruleTitle && oneLine(e.ruleTitle, 200);
  add('Rule', ruleTitle && rule ? `${ruleTitle} (${rule})` : ruleTitle || rule);
  const terms = (e.terms ?? [])
    .map((t) => oneLine(t, 100))
    .filter((t) => t.length > 0)
    .slice(0, 20);
  if (terms.length)
    add(
      'Matched',
      terms.flatMap((t, i): Part[] => (i ? [text(', '), { kind: 'term', text: t }] : [{ kind: 'term', text: t }])),
    );
  if (e.modifier) add('Read as', oneLine(e.modifier, 200));
  if (e.context) add('In context', highlight(oneLine(e.context, 500), terms));
  if (e.source) {
    const credibility =
      e.credibility !== undefined && Number.isFinite(e.credibility) ? `, credibility ${e.credibility.toFixed(2)}` : '';
    add('Source', `${oneLine(e.source, 100)}${credibility}`);
  }
  const weights = Object.entries(e.weights ?? {});
  if (weights.length)
    add('Weights', `${weights.map(([id, w]) => `${oneLine(id, 60)} ${signed(w)}`).join(', ')} (nats)`);
  add('Probabilities', probabilities(e.before, e.after));
  if (e.status) add('Status', oneLine(e.status, 300));
  if (e.reason) add('Reason', oneLine(e.reason, 500));
  if (href) add('Link', [{ kind: 'link', text: href, href }]);
  else if (e.url) add('Link', `${oneLine(e.url, 300)} (not a web link, not opened)`);

  return { heading, meta, fields, ...(href && { href }) };
}

/** Parts as plain text, for the text email and for previews. */
export function plain(parts: readonly Part[]): string {
  return parts.map((p) => p.text).join('');
}

/**
 * One line naming the indicator (or scenario, or source) and what happened: "ukraine-polling: KIIS poll: …"
 * or "risk 58% (entered)" when the summary already starts with the scenario.
 */
export function alertLine(alert: Alert): string {
  const about = alert.labels.indicator ?? alert.labels.scenario ?? alert.labels.source;
  const summary = oneLine(alert.summary || alert.explanation.title || alert.kind);
  const prefix = about ? oneLine(about, 60) : '';
  return prefix && !summary.startsWith(prefix) ? `${prefix}: ${summary}` : summary;
}

/**
 * The subject or header of a notification: what is new first ("KIIS poll: … (+2 more new, 3 sent before)"),
 * or, in a repeat with nothing new, that it still fires. `newIds` as in Notification (absent: all new).
 */
export function notificationLine(
  alerts: readonly Alert[],
  groupLabels: Record<string, string>,
  newIds?: readonly string[],
): string {
  const [first] = alerts;
  if (!first) {
    const group = Object.values(groupLabels)
      .map((v) => oneLine(v, 60))
      .join(', ');
    return group ? `${group}: no alerts` : 'no alerts';
  }
  const fresh = newIds === undefined ? alerts : alerts.filter((a) => newIds.includes(a.id));
  const earlier = alerts.length - fresh.length;
  if (!fresh.length)
    return `still firing: ${alertLine(first)}${alerts.length > 1 ? ` (+${alerts.length - 1} more)` : ''}`;
  const more = earlier
    ? [fresh.length > 1 && `+${fresh.length - 1} more new`, `${earlier} sent before`].filter(Boolean).join(', ')
    : fresh.length > 1
      ? `+${fresh.length - 1} more`
      : '';
  return `${alertLine(fresh[0]!)}${more ? ` (${more})` : ''}`;
}

/** Whether a notification tells of alerts sent before as well as new ones: then each says which it is. */
export function isUpdate(n: { alerts: readonly Alert[]; newIds?: readonly string[] }): boolean {
  return n.newIds !== undefined && n.newIds.length < n.alerts.length;
}

/** "New" or "Sent before", for an alert of an update (isUpdate). */
export function novelty(n: { newIds?: readonly string[] }, alert: Alert): string {
  return n.newIds?.includes(alert.id) ? 'New' : 'Sent before';
}

// RFC 5322 §3.6.4: msg-id = "<" dot-atom-text "@" domain ">". Only a conservative part of atext is kept
// as is; everything else (dots and "%" too, so the encoding is one-to-one and no ".." appears) becomes %XX
// of its UTF-8 bytes. ".invalid" (RFC 2606) never resolves.
const ATEXT = /[A-Za-z0-9_+=-]/;

/** `<notification.{id}@signpost.invalid>`: the same id gives the same Message-ID, so clients can dedupe. */
export function messageId(kind: 'notification' | 'digest' | 'group', id: string): string {
  let local = '';
  for (const ch of id) {
    local += ATEXT.test(ch)
      ? ch
      : Array.from(new TextEncoder().encode(ch), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  if (local.length > 200) local = `sha256-${createHash('sha256').update(id).digest('hex')}`;
  return `<${kind}.${local || 'empty'}@signpost.invalid>`;
}
