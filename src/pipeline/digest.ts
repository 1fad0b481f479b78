// A digest: what a receiver's schedule collected since its last one, as an analyst reads it. The scenario
// picture with its change since the last digest, a section per indicator with its status and the
// evidence that moved it, and source health in one line. It is built from what the digest collected
// itself (alerts keep their explanation), so it does not depend on how long evidence is kept. An event
// told by several reports is one entry, as scoring counts it: its first report, then the others.
// Besides the per-indicator sections (kept for webhook receivers), `events` lists every event once in the
// order it came, joining the events of several indicators that share a report, and each scenario carries
// its states over the last DIGEST_TREND_MS for a picture.

import { createHash } from 'node:crypto';
import type { Alert, Digest, DigestEvent } from '../model/alert.js';
import type { Evidence } from '../model/evidence.js';
import type { Watchbook } from '../model/watchbook.js';
import { groupEvents, reportsOf, strongestOf } from '../scoring/index.js';
import type { Store } from '../store/index.js';

/** How far back a digest's trend pictures reach. */
export const DIGEST_TREND_MS = 7 * 24 * 3_600_000;
/** States read for them at most: one a tick would be far more than a 240-point picture can show. */
const TREND_STATES = 2_000;

/** A rule the analysts' feedback flags (store/feedback-precision.ts flaggedRules), as a digest names it. */
export interface FlaggedRule {
  rule: string;
  precision: number | undefined;
  judged: number;
}

export async function buildDigest(
  receiver: string,
  alerts: readonly Alert[],
  watchbook: Watchbook,
  store: Store,
  now: number,
  flagged: readonly FlaggedRule[] = [],
): Promise<Digest> {
  const trendFrom = now - DIGEST_TREND_MS;
  const [state, mark, statuses, health, history] = await Promise.all([
    store.latestScenarioState(),
    store.getDigestMark(receiver),
    store.indicatorStatuses(),
    store.allHealth(),
    store.scenarioHistory(trendFrom, TREND_STATES),
  ]);
  const probabilities = state?.probabilities ?? Object.fromEntries(watchbook.scenarios.map((s) => [s.id, s.prior]));
  const previous = mark?.probabilities ?? Object.fromEntries(watchbook.scenarios.map((s) => [s.id, s.prior]));
  const matches = alerts.filter((a) => a.kind === 'match').map(asEvidence);
  const scenarioIds = watchbook.scenarios.map((s) => s.id);
  const indicators = watchbook.indicators
    .map((indicator) => ({
      id: indicator.id,
      title: indicator.title,
      status: statuses[indicator.id]?.status ?? 'quiet',
      evidence: groupEvents(
        matches.filter((e) => e.indicator === indicator.id),
        scenarioIds,
      ).map(entryOf),
    }))
    .filter((i) => i.evidence.length > 0 || i.status !== 'quiet');
  // Of the watchbook's sources: fine, failing, and never fetched yet (no health record), told apart.
  const watched = new Set(watchbook.sources.map((s) => s.id));
  const known = health.filter((h) => watched.has(h.source));
  const failing = known.filter((h) => h.consecutiveFailures > 0);
  const never = watchbook.sources.length - known.length;
  const sources =
    `${known.length - failing.length} of ${watchbook.sources.length} sources fine` +
    (never ? `; ${never} not fetched yet` : '') +
    (failing.length
      ? `; failing: ${failing.map((h) => `${h.source} (${h.lastError?.reason ?? 'error'})`).join(', ')}`
      : '');
  const from = mark?.at ?? Math.min(now, ...alerts.map((a) => a.startsAt));
  return {
    receiver,
    watchTitle: watchbook.watch.title,
    from,
    to: now,
    scenarios: watchbook.scenarios.map((s) => ({
      id: s.id,
      title: s.title,
      probability: probabilities[s.id] ?? 0,
      change: (probabilities[s.id] ?? 0) - (previous[s.id] ?? 0),
      trend: history
        .filter((h) => h.at <= now && Number.isFinite(h.probabilities[s.id]))
        .map((h) => ({ at: h.at, probability: h.probabilities[s.id]! })),
      ...(s.alert && { enter: s.alert.enter, exit: s.alert.exit }),
    })),
    trendFrom,
    events: eventsOf(matches, alerts, scenarioIds),
    ...(watchbook.watch.publicUrl !== undefined && { overviewUrl: watchbook.watch.publicUrl }),
    indicators,
    sources,
    ...(flagged.length > 0 && {
      flaggedRules: flagged
        .map((r) => ({ rule: r.rule, precision: r.precision ?? 0, judged: r.judged }))
        .sort((a, b) => a.precision - b.precision || a.rule.localeCompare(b.rule)),
    }),
    id: createHash('sha256')
      .update(`${receiver}\n${from}\n${now}\n${alerts.map((a) => a.id).join('\n')}`)
      .digest('base64url')
      .slice(0, 24),
  };
}

/** A match alert as the evidence it was raised for (its id is `match:` + the evidence id), to group it. */
function asEvidence(a: Alert): Evidence {
  const id = a.id.replace(/^match:/, '');
  const itemKey = id.slice(0, id.lastIndexOf('|'));
  return {
    id,
    itemKey,
    source: a.explanation.source ?? a.labels.source ?? '',
    credibility: a.explanation.credibility ?? 0,
    rule: a.explanation.rule ?? a.labels.rule ?? '',
    indicator: a.labels.indicator ?? '',
    scenarios: a.explanation.weights ?? {},
    severity: a.labels.severity ?? '',
    publishedAt: a.explanation.publishedAt ?? a.startsAt,
    seenAt: a.startsAt,
    cluster: itemKey,
    terms: a.explanation.terms ?? [],
    title: a.explanation.title ?? a.summary,
    ...(a.explanation.url !== undefined && { url: a.explanation.url }),
  };
}

/** One digest entry for an event: its first report, with the strongest rule's weights, then the others. */
function entryOf(event: Evidence[]): Digest['indicators'][number]['evidence'][number] {
  const reports = reportsOf(event);
  const first = reports[0]!;
  const strongest = strongestOf(event.filter((e) => e.itemKey === first.itemKey));
  return {
    title: first.title,
    ...(first.url !== undefined && { url: first.url }),
    source: first.source,
    rule: strongest.rule,
    terms: [...new Set(event.flatMap((e) => e.terms))],
    weights: strongest.scenarios,
    ...(reports.length > 1 && {
      also: reports
        .slice(1)
        .map((e) => ({ title: e.title, ...(e.url !== undefined && { url: e.url }), source: e.source })),
    }),
  };
}

/**
 * Every event once, in the order their first reports came: scoring's events (one indicator each), and those
 * that share a report joined, so an item two indicators' rules matched is one entry naming both.
 */
function eventsOf(
  matches: readonly Evidence[],
  alerts: readonly Alert[],
  scenarioIds: readonly string[],
): DigestEvent[] {
  const events = groupEvents(matches, scenarioIds);
  // Union-find over the events, joined through the items they share.
  const parent = events.map((_, n) => n);
  const root = (n: number): number => (parent[n] === n ? n : (parent[n] = root(parent[n]!)));
  const eventOfItem = new Map<string, number>();
  events.forEach((event, n) => {
    for (const e of event) {
      const other = eventOfItem.get(e.itemKey);
      if (other === undefined) eventOfItem.set(e.itemKey, n);
      else parent[root(n)] = root(other);
    }
  });
  const joined = new Map<number, Evidence[]>();
  events.forEach((event, n) => {
    const list = joined.get(root(n));
    if (list) list.push(...event);
    else joined.set(root(n), [...event]);
  });
  const context = new Map(alerts.map((a) => [a.id.replace(/^match:/, ''), a.explanation.context]));
  return [...joined.values()]
    .map((evidence): DigestEvent => {
      const reports = reportsOf(evidence);
      const first = reports[0]!;
      const strongest = strongestOf(evidence.filter((e) => e.itemKey === first.itemKey));
      const strength = (e: Evidence) => Math.max(0, ...Object.values(e.scenarios).map(Math.abs));
      const rules = [
        ...new Set([strongest, ...[...evidence].sort((a, b) => strength(b) - strength(a))].map((e) => e.rule)),
      ];
      const snippet = context.get(strongest.id);
      return {
        at: first.publishedAt,
        title: first.title,
        ...(first.url !== undefined && { url: first.url }),
        source: first.source,
        ...(snippet && { snippet }),
        terms: [...new Set(evidence.flatMap((e) => e.terms))],
        sources: [...new Set(reports.map((e) => e.source))],
        rules,
        indicators: [...new Set(evidence.map((e) => e.indicator))],
        weights: strongest.scenarios,
        ...(reports.length > 1 && {
          also: reports
            .slice(1)
            .map((e) => ({ title: e.title, ...(e.url !== undefined && { url: e.url }), source: e.source })),
        }),
      };
    })
    .sort((a, b) => a.at - b.at || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
}
