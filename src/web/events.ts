// The overview's events: evidence grouped into events as scoring counts them (one row per event, its
// reports under it), filtered by indicator, scenario, severity and a search, each with its snippet (matched
// terms marked), sources, rules and weights, and the analyst's feedback buttons per rule.
import type { Evidence } from '../model/evidence.js';
import { EVIDENCE_VERDICTS, type Judgement, type Verdict } from '../model/feedback.js';
import { SEVERITIES, type Watchbook } from '../model/watchbook.js';
import { groupEvents, reportsOf, strongestOf } from '../scoring/index.js';
import { highlight } from './highlight.js';
import { ago, esc, link, safeHref } from './html.js';
import { zonedTime } from './time.js';

export const EVENTS_SHOWN = 50;
/** Reports listed under an event's first one. */
const ALSO_SHOWN = 4;
const MAX_QUERY = 200;

export interface EventFilters {
  indicator?: string;
  scenario?: string;
  severity?: string;
  q?: string;
}

export const VERDICT_LABEL: Record<Verdict, string> = {
  useful: 'Useful',
  noise: 'Noise',
  'wrong-direction': 'Wrong direction',
  'should-match': 'Should have matched',
};

/** The filters a query string names, or what is wrong with it (an unknown value is an error, not ignored). */
export function parseFilters(query: unknown, wb: Watchbook): EventFilters | string {
  const q = (query ?? {}) as Record<string, unknown>;
  const out: EventFilters = {};
  const pick = (name: 'indicator' | 'scenario' | 'severity', known: readonly string[]): string | undefined => {
    const v = q[name];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') return `"${name}" may be given once`;
    if (!known.includes(v)) return `unknown ${name} ${JSON.stringify(v)}; expected one of ${known.join(', ')}`;
    out[name] = v;
    return undefined;
  };
  const problem =
    pick(
      'indicator',
      wb.indicators.map((i) => i.id),
    ) ??
    pick(
      'scenario',
      wb.scenarios.map((s) => s.id),
    ) ??
    pick('severity', SEVERITIES);
  if (problem) return problem;
  if (q.q !== undefined && q.q !== '') {
    if (typeof q.q !== 'string') return '"q" may be given once';
    if (q.q.length > MAX_QUERY) return `the search is ${q.q.length} characters long; at most ${MAX_QUERY}`;
    if (q.q.trim()) out.q = q.q.trim();
  }
  return out;
}

/** The filters as a query string (`?indicator=x&q=y`, or empty). */
export function filterQuery(f: EventFilters): string {
  const params = new URLSearchParams(Object.entries(f).filter(([, v]) => v !== undefined) as [string, string][]);
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** The scenario a record's weights favour most, or undefined when they favour none over another. */
export function leanOf(weights: Record<string, number>): string | undefined {
  const entries = Object.entries(weights);
  const max = Math.max(...entries.map(([, w]) => w));
  const min = Math.min(...entries.map(([, w]) => w));
  if (!(max > min) && !(entries.length === 1 && max !== 0)) return undefined;
  return entries.find(([, w]) => w === max)?.[0];
}

function matches(event: Evidence[], f: EventFilters): boolean {
  const strongest = strongestOf(event);
  if (f.indicator && strongest.indicator !== f.indicator) return false;
  if (f.severity && !event.some((e) => e.severity === f.severity)) return false;
  if (f.scenario && leanOf(strongest.scenarios) !== f.scenario) return false;
  if (f.q) {
    const needle = f.q.toLocaleLowerCase();
    const hay = event
      .flatMap((e) => [e.title, e.source, e.rule, e.indicator, ...e.terms])
      .join('\n')
      .toLocaleLowerCase();
    if (!hay.includes(needle)) return false;
  }
  return true;
}

/** The events matching `f`, newest first, at most EVENTS_SHOWN; and how many matched in all. */
export function selectEvents(
  evidence: readonly Evidence[],
  wb: Watchbook,
  f: EventFilters,
): { events: Evidence[][]; total: number } {
  const all = groupEvents(
    evidence,
    wb.scenarios.map((s) => s.id),
  ).filter((e) => matches(e, f));
  return { events: all.slice(-EVENTS_SHOWN).reverse(), total: all.length };
}

function nats(weights: Record<string, number>): string {
  return (
    Object.entries(weights)
      .filter(([, w]) => w !== 0)
      .map(([s, w]) => `${esc(s)} ${w > 0 ? '+' : ''}${w.toFixed(2)}`)
      .join(', ') || '–'
  );
}

export interface RowContext {
  now: number;
  timeZone: string;
  csrf: string;
  /** Where a form sends the browser back to: this page with its filters. */
  back: string;
  /** The current user's verdict per evidence id. */
  mine: Map<string, Verdict>;
}

/** This user's latest verdict per evidence id. */
export function verdictsOf(judgements: readonly Judgement[], user: string): Map<string, Verdict> {
  const mine = new Map<string, Verdict>();
  for (const j of judgements) if (j.user === user && j.evidence) mine.set(j.evidence, j.verdict);
  return mine;
}

function feedbackForm(record: Evidence, ctx: RowContext): string {
  const chosen = ctx.mine.get(record.id);
  const buttons = EVIDENCE_VERDICTS.map(
    (v) =>
      `<button type="submit" name="verdict" value="${v}" class="fb-${v}${chosen === v ? ' chosen' : ''}" aria-pressed="${chosen === v}">${VERDICT_LABEL[v]}</button>`,
  ).join('');
  return (
    `<form method="post" action="feedback" class="fb" data-evidence="${esc(record.id)}"><span class="muted">rule ${esc(record.rule)}:</span> ` +
    `<input type="hidden" name="csrf" value="${esc(ctx.csrf)}"><input type="hidden" name="evidence" value="${esc(record.id)}">` +
    `<input type="hidden" name="back" value="${esc(ctx.back)}">${buttons}</form>`
  );
}

export function eventRows(events: readonly Evidence[][], ctx: RowContext): string {
  return events
    .map((event) => {
      const reports = reportsOf(event);
      const first = reports[0]!;
      const strongest = strongestOf(event);
      const sources = [...new Set(reports.map((e) => e.source))];
      const terms = [...new Set(event.flatMap((e) => e.terms))];
      const href = safeHref(first.url);
      const snippet = highlight(first.title, terms);
      const title = href ? `<a href="${esc(href)}" rel="noopener noreferrer nofollow">${snippet}</a>` : snippet;
      const also = reports
        .slice(1, 1 + ALSO_SHOWN)
        .map((e) => `<div class="muted">also ${link(e.title, e.url)} (${esc(e.source)})</div>`)
        .join('');
      const byRule = new Map<string, Evidence>();
      for (const e of event) if (!byRule.has(e.rule)) byRule.set(e.rule, e);
      const lean = leanOf(strongest.scenarios);
      return (
        `<tr><td><div class="snippet" data-indicator="${esc(first.indicator)}">${title}</div><div class="muted">${sources.map(esc).join(', ')} · ` +
        `<time datetime="${new Date(first.publishedAt).toISOString()}">${esc(zonedTime(first.publishedAt, ctx.timeZone))}</time> (${esc(ago(first.publishedAt, ctx.now))})` +
        `${reports.length > 1 ? ` · ${reports.length} reports` : ''}</div>${also}</td>` +
        `<td>${esc(first.indicator)}<div class="muted">rule ${[...byRule.keys()].map(esc).join(', ')} · <span class="sev sev-${esc(strongest.severity)}">${esc(strongest.severity)}</span></div></td>` +
        `<td>matched ${terms.map((t) => `“${esc(t)}”`).join(', ') || '–'}<div class="muted">${nats(strongest.scenarios)}${lean ? ` (toward ${esc(lean)})` : ''} · credibility ${esc(strongest.credibility)}</div>` +
        `${[...byRule.values()].map((e) => feedbackForm(e, ctx)).join('')}</td></tr>`
      );
    })
    .join('');
}

/** The filter and search form: works without script (a GET of this page); overview.js submits it as you type. */
export function filterForm(wb: Watchbook, f: EventFilters): string {
  const select = (name: string, label: string, values: { id: string; title?: string }[], current: string | undefined) =>
    `<label>${label} <select name="${name}"><option value="">all</option>${values
      .map((v) => `<option value="${esc(v.id)}"${v.id === current ? ' selected' : ''}>${esc(v.title ?? v.id)}</option>`)
      .join('')}</select></label>`;
  return (
    `<form method="get" action="./" class="filters" id="filters" role="search">` +
    select('indicator', 'Indicator', wb.indicators, f.indicator) +
    select('scenario', 'Toward', wb.scenarios, f.scenario) +
    select(
      'severity',
      'Severity',
      SEVERITIES.map((s) => ({ id: s })),
      f.severity,
    ) +
    `<label>Search <input type="search" name="q" value="${esc(f.q ?? '')}" maxlength="${MAX_QUERY}" placeholder="words, source, rule"></label>` +
    `<button type="submit">Filter</button> <a href="./">clear</a></form>`
  );
}
