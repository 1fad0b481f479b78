import { createHash } from 'node:crypto';
import type { Alert, Digest } from '../model/alert.js';
import type { Evidence } from '../model/evidence.js';
import type { Watchbook } from '../model/watchbook.js';
import { groupEvents, reportsOf, strongestOf } from '../scoring/index.js';
import type { Store } from '../store/index.js';

// A digest: what a receiver's schedule collected since its last one, as an analyst reads it. The scenario
// picture with its change since the last digest, a section per indicator with its status and the
// evidence that moved it, and source health in one line. It is built from what the digest collected
// itself (alerts keep their explanation), so it does not depend on how long evidence is kept. An event
// told by several reports is one entry, as scoring counts it: its first report, then the others.

export async function buildDigest(receiver: string, alerts: readonly Alert[], watchbook: Watchbook, store: Store, now: number): Promise<Digest> {
  const [state, mark, statuses, health] = await Promise.all([
    store.latestScenarioState(),
    store.getDigestMark(receiver),
    store.indicatorStatuses(),
    store.allHealth(),
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
      evidence: groupEvents(matches.filter((e) => e.indicator === indicator.id), scenarioIds).map(entryOf),
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
    (failing.length ? `; failing: ${failing.map((h) => `${h.source} (${h.lastError?.reason ?? 'error'})`).join(', ')}` : '');
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
    })),
    indicators,
    sources,
    id: createHash('sha256').update(`${receiver}\n${from}\n${now}\n${alerts.map((a) => a.id).join('\n')}`).digest('base64url').slice(0, 24),
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
    publishedAt: a.startsAt,
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
    ...(reports.length > 1 && { also: reports.slice(1).map((e) => ({ title: e.title, ...(e.url !== undefined && { url: e.url }), source: e.source })) }),
  };
}
