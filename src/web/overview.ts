import type { FastifyInstance } from 'fastify';
import type { Evidence } from '../model/evidence.js';
import { redactText } from '../model/redact.js';
import type { SourceHealth } from '../model/source-health.js';
import { groupEvents, reportsOf, strongestOf } from '../scoring/index.js';
import { trendSvg } from './chart.js';
import type { WebContext } from './context.js';
import { ago, duration, esc, isoDate, link, page } from './html.js';

// The analysts' overview (/): scenarios with their trend, indicators, recent events (the reports of one
// event on one row, as scoring counts them) with why they counted, and sources with troubled ones first
// (their last errors redacted again: a record from before a source's secret was known may quote it).
// Server-rendered, no script; every scraped string escaped.

const DAY = 86_400_000;
const TREND_DAYS = 30;
const EVENTS_SHOWN = 50;
/** Reports listed under an event's first one. */
const ALSO_SHOWN = 4;

function pct(p: number | undefined): string {
  return p === undefined ? '–' : `${(p * 100).toFixed(1)}%`;
}

function nats(weights: Record<string, number>): string {
  return Object.entries(weights).filter(([, w]) => w !== 0).map(([s, w]) => `${esc(s)} ${w > 0 ? '+' : ''}${w.toFixed(2)}`).join(', ') || '–';
}

/** Troubled first (most failures in a row), then the longest without success, then by id. */
export function troubledFirst(a: SourceHealth, b: SourceHealth): number {
  return b.consecutiveFailures - a.consecutiveFailures || (a.lastSuccessAt ?? -Infinity) - (b.lastSuccessAt ?? -Infinity) || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0);
}

export async function renderOverview(ctx: WebContext): Promise<string> {
  const now = ctx.now();
  const wb = ctx.watchbook();
  const [history, latest, statuses, health, evidence] = await Promise.all([
    ctx.store.scenarioHistory(now - TREND_DAYS * DAY, 500),
    ctx.store.latestScenarioState(),
    ctx.store.indicatorStatuses(),
    ctx.store.allHealth(),
    ctx.store.listEvidence(now - 90 * DAY, now + DAY),
  ]);

  const scenarios = wb.scenarios.map((s) => {
    const points = history.map((h) => [h.at, h.probabilities[s.id] ?? 0] as [number, number]);
    const label = esc(`${s.title}: probability over the last ${TREND_DAYS} days`);
    return `<div class="card"><div>${esc(s.title)} <span class="muted">(${esc(s.id)})</span></div>` +
      `<div class="p">${pct(latest?.probabilities[s.id])}</div>${trendSvg(points, label)}` +
      `<div class="muted">prior ${pct(s.prior)}${points.length ? `, ${points.length} points since ${esc(isoDate(points[0]?.[0] ?? now))}` : ', no history yet'}</div></div>`;
  }).join('');

  const lastByIndicator = new Map<string, Evidence>();
  for (const e of evidence) lastByIndicator.set(e.indicator, e); // oldest first: the last write is the newest
  const indicators = wb.indicators.map((i) => {
    const st = statuses[i.id];
    const last = lastByIndicator.get(i.id);
    const window = i.window ? `${esc(isoDate(i.window.from))} – ${esc(isoDate(i.window.to))}` : '–';
    return `<tr><td>${esc(i.title)}<div class="muted">${esc(i.id)}</div></td>` +
      `<td class="${st?.status === 'overdue' ? 'bad' : ''}">${esc(st?.status ?? 'unknown')}</td>` +
      `<td>${last ? `${link(last.title, last.url)}<div class="muted">${esc(ago(last.publishedAt, now))}</div>` : '–'}</td>` +
      `<td>${window}</td><td>${i.expectEveryMs ? `every ${esc(duration(i.expectEveryMs))}` : '–'}</td></tr>`;
  }).join('');

  const events = groupEvents(evidence, wb.scenarios.map((s) => s.id)).slice(-EVENTS_SHOWN).reverse();
  const recent = events.map((event) => {
    const reports = reportsOf(event);
    const first = reports[0]!;
    const strongest = strongestOf(event);
    const sources = [...new Set(reports.map((e) => e.source))];
    const also = reports.slice(1, 1 + ALSO_SHOWN).map((e) => `<div class="muted">also ${link(e.title, e.url)} (${esc(e.source)})</div>`).join('');
    return `<tr><td>${link(first.title, first.url)}<div class="muted">${sources.map(esc).join(', ')} · ${esc(ago(first.publishedAt, now))}` +
      `${reports.length > 1 ? ` · ${reports.length} reports` : ''}</div>${also}</td>` +
      `<td>${esc(first.indicator)}<div class="muted">rule ${[...new Set(event.map((e) => e.rule))].map(esc).join(', ')} · ${esc(strongest.severity)}</div></td>` +
      `<td>matched ${[...new Set(event.flatMap((e) => e.terms))].map((t) => `“${esc(t)}”`).join(', ') || '–'}<div class="muted">${nats(strongest.scenarios)} · credibility ${esc(strongest.credibility)}</div></td></tr>`;
  }).join('');

  const known = new Map(health.map((h) => [h.source, h]));
  const rows: SourceHealth[] = [...health, ...wb.sources.filter((s) => !known.has(s.id)).map((s) => ({ source: s.id, consecutiveFailures: 0, itemsLastFetch: 0, nextCheckAt: 0 }))];
  const sources = rows.sort(troubledFirst).map((h) =>
    `<tr><td>${esc(h.source)}</td><td class="${h.consecutiveFailures > 0 ? 'bad' : 'ok'}">${h.consecutiveFailures}</td>` +
      `<td>${h.lastError ? `${esc(h.lastError.reason)}: ${esc(redactText(h.lastError.message, wb.sources))}<div class="muted">${esc(ago(h.lastError.at, now))}</div>` : '–'}</td>` +
      `<td>${esc(ago(h.lastSuccessAt, now))}</td><td>${h.lastAttemptAt === undefined ? '–' : esc(ago(h.lastAttemptAt, now))}</td></tr>`,
  ).join('');

  const table = (head: string[], body: string, empty: string) =>
    body ? `<div class="scroll"><table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table></div>` : `<p class="muted">${empty}</p>`;

  // A refused edit leaves the last good watchbook running: the admin who made it should see why here too.
  const reload = ctx.reloadStatus?.();
  const refused = reload && !reload.ok ? `<p class="bad">The last watchbook edit was refused (${esc(ago(reload.at, now))}); the last good watchbook runs on: ${reload.problems.map((p) => esc(p)).join('; ')}</p>` : '';

  return page(`${wb.watch.title} · Signpost`,
    `<h1>${esc(wb.watch.title)}</h1><p class="muted">As of ${esc(isoDate(now))}${latest ? `; picture from ${esc(ago(latest.at, now))}` : '; no picture yet'}. <a href="queues">Job board</a></p>${refused}` +
    `<h2>Scenarios</h2><div class="scn">${scenarios}</div>` +
    `<h2>Indicators</h2>${table(['Indicator', 'Status', 'Last evidence', 'Window', 'Expect'], indicators, 'No indicators.')}` +
    `<h2>Recent events</h2>${table(['Event', 'Indicator', 'Why'], recent, 'No evidence yet.')}` +
    `<h2>Sources</h2>${table(['Source', 'Failures in a row', 'Last error', 'Last success', 'Last attempt'], sources, 'No sources.')}`);
}

export function overviewRoute(app: FastifyInstance, ctx: WebContext): void {
  app.get('/', async (_req, reply) => {
    const html = await renderOverview(ctx);
    return reply.type('text/html; charset=utf-8').send(html);
  });
}
