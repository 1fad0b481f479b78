// The analysts' overview (/): scenarios with their trend (time axis, thresholds, change over 24 h and 7 d),
// indicators with status badges, events filtered and searched (one row per event, as scoring counts them)
// with feedback buttons, each rule's precision from the judgements, and sources with troubled ones first
// (their last errors redacted again: a record from before a source's secret was known may quote it).
// Times on the watch's clock. Server-rendered and complete without script; overview.js (assets.ts) polls
// /overview.json and swaps the sections that changed.

import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Evidence, ScenarioState } from '../model/evidence.js';
import type { Judgement } from '../model/feedback.js';
import { redactText } from '../model/redact.js';
import type { SourceHealth } from '../model/source-health.js';
import { rulePrecision } from '../store/index.js';
import { parseBasic } from './auth.js';
import { trendSvg } from './chart.js';
import type { WebContext } from './context.js';
import { csrfToken } from './csrf.js';
import {
  eventRows,
  filterForm,
  filterQuery,
  parseFilters,
  selectEvents,
  verdictsOf,
  type EventFilters,
} from './events.js';
import { ago, duration, esc, link, page } from './html.js';
import { zonedTime } from './time.js';

const DAY = 86_400_000;
const TREND_DAYS = 30;
/** States read for the chart and the 24 h / 7 d changes (the newest of the last 30 days). */
const HISTORY_READ = 1_000;
const CHART_POINTS = 300;

export type Sections = Record<'scenarios' | 'indicators' | 'events' | 'precision' | 'sources', string>;

function pct(p: number | undefined): string {
  return p === undefined ? '–' : `${(p * 100).toFixed(1)}%`;
}

/** Troubled first (most failures in a row), then the longest without success, then by id. */
export function troubledFirst(a: SourceHealth, b: SourceHealth): number {
  return (
    b.consecutiveFailures - a.consecutiveFailures ||
    (a.lastSuccessAt ?? -Infinity) - (b.lastSuccessAt ?? -Infinity) ||
    (a.source < b.source ? -1 : a.source > b.source ? 1 : 0)
  );
}

/** The probability `ms` ago: of the newest state at or before then; undefined when history does not reach back. */
function probabilityAgo(history: readonly ScenarioState[], scenario: string, at: number): number | undefined {
  let found: ScenarioState | undefined;
  for (const h of history) if (h.at <= at) found = h;
  return found?.probabilities[scenario];
}

function change(now: number | undefined, then: number | undefined, span: string): string {
  if (now === undefined || then === undefined)
    return `<span class="chg muted" data-span="${span}">${span}: no picture that old</span>`;
  const pts = (now - then) * 100;
  const cls = pts > 0.05 ? 'up' : pts < -0.05 ? 'down' : 'flat';
  return `<span class="chg ${cls}" data-span="${span}">${span}: ${pts >= 0 ? '+' : '−'}${Math.abs(pts).toFixed(1)} pts</span>`;
}

/** At most `max` points: every k-th, and always the newest. */
function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  const k = Math.ceil(points.length / max);
  const out = points.filter((_, i) => i % k === 0);
  if (out[out.length - 1] !== points[points.length - 1]) out.push(points[points.length - 1]!);
  return out;
}

const table = (head: string[], body: string, empty: string) =>
  body
    ? `<div class="scroll"><table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table></div>`
    : `<p class="muted">${empty}</p>`;

export interface Viewer {
  user: string;
  csrf: string;
}

export async function overviewSections(
  ctx: WebContext,
  filters: EventFilters,
  viewer: Viewer,
  judgements: readonly Judgement[],
): Promise<Sections> {
  const now = ctx.now();
  const wb = ctx.watchbook();
  const tz = wb.watch.timezone;
  const [history, statuses, health, evidence] = await Promise.all([
    ctx.store.scenarioHistory(now - TREND_DAYS * DAY, HISTORY_READ),
    ctx.store.indicatorStatuses(),
    ctx.store.allHealth(),
    ctx.store.listEvidence(now - 90 * DAY, now + DAY),
  ]);
  const latest = history[history.length - 1];

  const scenarios = wb.scenarios
    .map((s) => {
      const points = thin(
        history.map((h) => [h.at, h.probabilities[s.id] ?? 0] as [number, number]),
        CHART_POINTS,
      );
      const label = esc(`${s.title}: probability over the last ${TREND_DAYS} days`);
      const p = latest?.probabilities[s.id];
      const thresholds = s.alert ? `enter ${pct(s.alert.enter)}, exit ${pct(s.alert.exit)}` : 'no alert thresholds';
      return (
        `<div class="card" data-scenario="${esc(s.id)}"><div>${esc(s.title)} <span class="muted">(${esc(s.id)})</span></div>` +
        `<div class="p">${pct(p)}</div><div class="changes">${change(p, probabilityAgo(history, s.id, now - DAY), '24 h')} ${change(p, probabilityAgo(history, s.id, now - 7 * DAY), '7 d')}</div>` +
        trendSvg(points, label, {
          to: now,
          timeZone: tz,
          ...(s.alert && { thresholds: { enter: s.alert.enter, exit: s.alert.exit } }),
        }) +
        `<div class="muted">prior ${pct(s.prior)}; ${thresholds}${points.length ? `; since ${esc(zonedTime(points[0]![0], tz))}` : '; no history yet'}</div></div>`
      );
    })
    .join('');

  const lastByIndicator = new Map<string, Evidence>();
  for (const e of evidence) lastByIndicator.set(e.indicator, e); // oldest first: the last write is the newest
  const indicators = wb.indicators
    .map((i) => {
      const st = statuses[i.id];
      const last = lastByIndicator.get(i.id);
      const status = st?.status ?? 'unknown';
      const window = i.window ? `${esc(zonedTime(i.window.from, tz))} – ${esc(zonedTime(i.window.to, tz))}` : '–';
      return (
        `<tr><td>${esc(i.title)}<div class="muted">${esc(i.id)}</div></td>` +
        `<td><span class="badge st-${esc(status)}">${esc(status)}</span>${st ? `<div class="muted">since ${esc(zonedTime(st.at, tz))}</div>` : ''}</td>` +
        `<td>${last ? `${link(last.title, last.url)}<div class="muted">${esc(zonedTime(last.publishedAt, tz))} (${esc(ago(last.publishedAt, now))})</div>` : '–'}</td>` +
        `<td>${window}</td><td>${i.expectEveryMs ? `every ${esc(duration(i.expectEveryMs))}` : '–'}</td></tr>`
      );
    })
    .join('');

  const { events, total } = selectEvents(evidence, wb, filters);
  const back = `./${filterQuery(filters)}`;
  const rows = eventRows(events, {
    now,
    timeZone: tz,
    csrf: viewer.csrf,
    back,
    mine: verdictsOf(judgements, viewer.user),
  });
  const filtered = Object.keys(filters).length > 0;
  const shown = total > events.length ? `the newest ${events.length} of ${total}` : `${total}`;
  const eventsHtml =
    `<p class="muted count">${shown} event${total === 1 ? '' : 's'}${filtered ? ' matching the filters' : ''}</p>` +
    table(['Event', 'Indicator', 'Why'], rows, filtered ? 'No event matches the filters.' : 'No evidence yet.');

  const precision = rulePrecision(judgements)
    .map(
      (r) =>
        `<tr class="${r.flagged ? 'flagged' : ''}" data-rule="${esc(r.rule)}"><td>${esc(r.rule)}${r.flagged ? ' <span class="badge flag">flagged</span>' : ''}</td>` +
        `<td class="precision">${r.precision === undefined ? '–' : r.precision.toFixed(2)}</td><td>${r.judged}</td><td>${r.useful}</td><td>${r.noise}</td><td>${r.wrongDirection}</td></tr>`,
    )
    .join('');
  const precisionHtml =
    table(
      ['Rule', 'Precision', 'Judged', 'Useful', 'Noise', 'Wrong direction'],
      precision,
      'No judgements yet: mark events useful, noise or wrong direction.',
    ) +
    `<p class="muted">Precision is useful ÷ judged; a rule under 0.6 over at least 5 judgements is flagged. <a href="unmatched">Items no rule matched</a></p>`;

  const known = new Map(health.map((h) => [h.source, h]));
  const rowsOfHealth: SourceHealth[] = [
    ...health,
    ...wb.sources
      .filter((s) => !known.has(s.id))
      .map((s) => ({ source: s.id, consecutiveFailures: 0, itemsLastFetch: 0, nextCheckAt: 0 })),
  ];
  const sources = rowsOfHealth
    .sort(troubledFirst)
    .map(
      (h) =>
        `<tr><td>${esc(h.source)}</td><td class="${h.consecutiveFailures > 0 ? 'bad' : 'ok'}">${h.consecutiveFailures}</td>` +
        `<td>${h.lastError ? `${esc(h.lastError.reason)}: ${esc(redactText(h.lastError.message, wb.sources))}<div class="muted">${esc(ago(h.lastError.at, now))}</div>` : '–'}</td>` +
        `<td>${esc(ago(h.lastSuccessAt, now))}</td><td>${h.lastAttemptAt === undefined ? '–' : esc(ago(h.lastAttemptAt, now))}</td></tr>`,
    )
    .join('');

  return {
    scenarios: `<p class="muted">As of ${esc(zonedTime(now, tz))}${latest ? `; picture from ${esc(ago(latest.at, now))}` : '; no picture yet'}.</p><div class="scn">${scenarios}</div>`,
    indicators: table(['Indicator', 'Status', 'Last evidence', 'Window', 'Expect'], indicators, 'No indicators.'),
    events: eventsHtml,
    precision: precisionHtml,
    sources: table(
      ['Source', 'Failures in a row', 'Last error', 'Last success', 'Last attempt'],
      sources,
      'No sources.',
    ),
  };
}

/** A digest of the sections, so the page swaps them only when something changed. */
export function stampOf(sections: Sections): string {
  return createHash('sha256').update(JSON.stringify(sections)).digest('base64url').slice(0, 22);
}

export function renderOverview(ctx: WebContext, filters: EventFilters, sections: Sections): string {
  const wb = ctx.watchbook();
  const now = ctx.now();
  // A refused edit leaves the last good watchbook running: the admin who made it should see why here too.
  const reload = ctx.reloadStatus?.();
  const refused =
    reload && !reload.ok
      ? `<p class="bad">The last watchbook edit was refused (${esc(ago(reload.at, now))}); the last good watchbook runs on: ${reload.problems.map((p) => esc(p)).join('; ')}</p>`
      : '';
  const section = (name: keyof Sections) => `<div data-section="${name}">${sections[name]}</div>`;
  return page(
    `${wb.watch.title} · Signpost`,
    `<h1>${esc(wb.watch.title)}</h1><p class="muted">Times in ${esc(wb.watch.timezone)}. <a href="queues">Job board</a> · <a href="unmatched">Unmatched items</a></p>${refused}` +
      `<h2>Scenarios</h2>${section('scenarios')}` +
      `<h2>Indicators</h2>${section('indicators')}` +
      `<h2>Recent events</h2>${filterForm(wb, filters)}${section('events')}` +
      `<h2>Rule precision</h2>${section('precision')}` +
      `<h2>Sources</h2>${section('sources')}`,
    { stamp: stampOf(sections), pollMs: ctx.pollMs, script: true },
  );
}

/** The basic-auth user of a request (the auth hook let it through) and its anti-CSRF token. */
export async function viewerOf(ctx: WebContext, req: FastifyRequest): Promise<Viewer> {
  const user = parseBasic(req.headers.authorization)?.user ?? '';
  return { user, csrf: csrfToken(await ctx.feedback.csrfSecret(), user) };
}

export function overviewRoute(app: FastifyInstance, ctx: WebContext): void {
  const read = async (req: FastifyRequest) => {
    const filters = parseFilters(req.query, ctx.watchbook());
    if (typeof filters === 'string') return { problem: filters };
    const viewer = await viewerOf(ctx, req);
    const sections = await overviewSections(ctx, filters, viewer, await ctx.feedback.judgements());
    return { filters, sections };
  };
  app.get('/', async (req, reply) => {
    const r = await read(req);
    if (r.problem !== undefined) {
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .send(
          page(
            'Bad filter · Signpost',
            `<h1>Bad filter</h1><p class="bad">${esc(r.problem)}</p><p><a href="./">Back to the overview</a></p>`,
          ),
        );
    }
    return reply.type('text/html; charset=utf-8').send(renderOverview(ctx, r.filters, r.sections));
  });
  app.get('/overview.json', async (req, reply) => {
    const r = await read(req);
    if (r.problem !== undefined) return reply.code(400).send({ error: r.problem });
    return reply.header('cache-control', 'no-store').send({ stamp: stampOf(r.sections), sections: r.sections });
  });
}
