// step(): the scoring step. What the store held before (the picture) and the new items in; the evidence,
// the next picture and the alerts it raises out. The score job, the hourly rescore and `signpost backtest`
// all run it: the worker reads the picture from Redis and writes the step back (pipeline/evaluate.ts), the
// backtest folds it over plain values (advance()).
//
//   picture(t0) + fresh items at t1 --step--> evidence, fingerprints, picture(t1), alerts, cleared
//
// Pure but for one thing: the picture's evidence ledger and cluster index are advanced in place, so that
// a step costs what its own items touch and not what the whole scored span holds (a fold over 20,000
// items would otherwise regroup every record 20,000 times). A picture is stepped once: the worker reads a
// fresh one for every step (a retried job reads it again), the backtest steps the one advance() returns.
//
// Alert ids come from what fired and the picture the step started from, never from the time it ran, so a
// job retried on the same picture raises the same alerts, which groups and digests hold once.

import {
  clearedByAny,
  clearedByIndicator,
  clearedByScenario,
  indicatorAlert,
  matchAlerts,
  scenarioAlert,
  type Cleared,
} from '../alerts/index.js';
import { NEAR_DUPLICATE_BITS } from '../items/index.js';
import type { Alert } from '../model/alert.js';
import type { Evidence, IndicatorStatus, ScenarioAlertState, ScenarioState } from '../model/evidence.js';
import type { Item } from '../model/item.js';
import type { Indicator, Watchbook } from '../model/watchbook.js';
import type { Matcher } from '../rules/index.js';
import { ClusterIndex, EventLedger, indicatorStatus, scenarioAlertState } from '../scoring/index.js';
import { compareCodePoints, type FingerprintEntry } from '../store/index.js';

/** How far back near-duplicates are looked for: a syndicated copy comes within days, not months. */
export const CLUSTER_LOOKBACK_MS = 7 * 86_400_000;
/** How many recent fingerprints an item is compared with, at most: the cost per item is bounded. */
export const CLUSTER_CANDIDATES = 5_000;
/** Evidence older than this many half-lives weighs under 0.1% and is left out of the score. */
export const HALF_LIVES_SCORED = 10;

/**
 * How far back scoring reads evidence: HALF_LIVES_SCORED half-lives of the longest indicator. Evidence is
 * kept exactly that long (pruneEvidence), so what scoring reads is always there.
 */
export function scoredSpanMs(indicators: readonly Pick<Indicator, 'halfLifeMs'>[]): number {
  return HALF_LIVES_SCORED * Math.max(0, ...indicators.map((i) => i.halfLifeMs));
}

/** What a step starts from: the part of the store scoring and alerting read. */
export interface Picture {
  /** Scenario probabilities of the latest state (the priors before the first). */
  probabilities: Record<string, number>;
  /** Each indicator's status and when it was last evaluated. */
  statuses: Record<string, { status: IndicatorStatus; at: number }>;
  /** Each scenario's alert state (hysteresis). */
  scenarioAlerts: Record<string, ScenarioAlertState>;
  /** Evidence within the scored span, grouped as scoring reads it. */
  ledger: EventLedger;
  /** Recent fingerprints, at most CLUSTER_CANDIDATES, for clustering the next items. */
  clusters: ClusterIndex;
}

/** What the store holds of a picture, as plain values. */
export interface StoredPicture {
  probabilities?: Record<string, number>;
  statuses: Picture['statuses'];
  scenarioAlerts: Picture['scenarioAlerts'];
  /** Evidence within the scored span (any order). */
  evidence: readonly Evidence[];
  /** Recent fingerprints, newest first, at most CLUSTER_CANDIDATES. */
  fingerprints: readonly FingerprintEntry[];
}

export interface StepResult {
  /** The items scored: those not seen before, in input order. */
  fresh: Item[];
  /** Evidence recorded for them. */
  evidence: Evidence[];
  /** The fingerprints of the items a rule matched, with the clusters they joined (the others are not clustered). */
  fingerprints: FingerprintEntry[];
  state: ScenarioState;
  statuses: Record<string, IndicatorStatus>;
  scenarioAlerts: Record<string, ScenarioAlertState>;
  /** Alerts raised: matches, scenario crossings, notable indicator changes. */
  alerts: Alert[];
  /** Which firing alerts the new picture clears (alerts/clear.ts). */
  cleared: Cleared;
}

/** The picture before anything was stored: priors, no statuses, no alert fired. */
export function emptyPicture(watchbook: Pick<Watchbook, 'scenarios' | 'indicators'>): Picture {
  return pictureOf(watchbook, { statuses: {}, scenarioAlerts: {}, evidence: [], fingerprints: [] });
}

/** A picture from what the store holds; the probabilities default to the priors. */
export function pictureOf(watchbook: Pick<Watchbook, 'scenarios' | 'indicators'>, stored: StoredPicture): Picture {
  const ledger = new EventLedger(watchbook, byTime);
  for (const e of stored.evidence) ledger.add(e);
  return {
    probabilities: stored.probabilities ?? Object.fromEntries(watchbook.scenarios.map((s) => [s.id, s.prior])),
    statuses: stored.statuses,
    scenarioAlerts: stored.scenarioAlerts,
    ledger,
    clusters: new ClusterIndex(stored.fingerprints, NEAR_DUPLICATE_BITS, CLUSTER_CANDIDATES),
  };
}

/**
 * A copy of `s` that holds its own characters. V8 cuts a substring as a slice of the string it came from, so
 * an item's title is a view into the whole feed document, and evidence, held for the scored span
 * (held-picture.ts), would keep that document alive. Slicing a concatenation makes V8 flatten it first.
 */
const ownCopy = (s: string): string => ` ${s}`.slice(1);

/** The order the store lists evidence in: by publication, equal times by id. */
const byTime = (a: Evidence, b: Evidence) => a.publishedAt - b.publishedAt || compareCodePoints(a.id, b.id);

export function step(
  picture: Picture,
  fresh: readonly Item[],
  watchbook: Watchbook,
  matcher: Matcher,
  now: number,
): StepResult {
  const { ledger, clusters } = picture;
  if (ledger.watchbook.indicators !== watchbook.indicators || ledger.watchbook.scenarios !== watchbook.scenarios) {
    throw new Error('step: the picture was read for another watchbook');
  }
  const credibility = new Map(watchbook.sources.map((s) => [s.id, s.credibility]));
  clusters.forgetBefore(now - CLUSTER_LOOKBACK_MS);
  const evidence: Evidence[] = [];
  const fingerprints: FingerprintEntry[] = [];
  for (const item of fresh) {
    const matches = matcher.match(item);
    // Only evidence is clustered: a cluster groups the reports of one story that moved an indicator, and
    // the ring's CLUSTER_CANDIDATES then reach back over matches, not over every item every feed carried.
    if (matches.length === 0) continue;
    const cluster = clusters.assign(item.fingerprint, now);
    fingerprints.push({ cluster, fingerprint: item.fingerprint, at: now });
    for (const m of matches) {
      evidence.push({
        id: `${item.key}|${m.rule}`,
        itemKey: item.key,
        source: item.source,
        credibility: credibility.get(item.source) ?? 0.5,
        rule: m.rule,
        indicator: m.indicator,
        scenarios: m.scenarios,
        severity: m.severity,
        publishedAt: Date.parse(item.publishedAt),
        seenAt: now,
        cluster,
        terms: m.terms,
        ...(m.modifier && { modifier: m.modifier }),
        title: ownCopy(item.title),
        ...(item.url !== undefined && { url: ownCopy(item.url) }),
      });
    }
  }

  // What scoring reads: the evidence published within [now - span, now], the new included, an id once (a
  // retried step finds its own evidence stored already).
  const since = now - scoredSpanMs(watchbook.indicators);
  ledger.forgetBefore(since);
  for (const e of evidence) if (e.publishedAt >= since && e.publishedAt <= now) ledger.add(e);
  const state = ledger.score(now);
  const statuses = Object.fromEntries(
    watchbook.indicators.map((i) => {
      const latest = ledger.latestOf(i.id);
      return [i.id, indicatorStatus(i, latest ? [latest] : [], now)];
    }),
  );

  const before = picture.probabilities;
  const after = state.probabilities;
  const alerts = matchAlerts(evidence, watchbook, { before, after });
  const cleared: Cleared[] = [];
  const scenarioAlerts: Record<string, ScenarioAlertState> = {};
  for (const scenario of watchbook.scenarios) {
    // A scenario without thresholds (removed on reload) fires no more.
    if (!scenario.alert) {
      cleared.push(clearedByScenario(scenario.id, false));
      continue;
    }
    const prev = picture.scenarioAlerts[scenario.id] ?? { firing: false };
    const next = scenarioAlertState(prev, after[scenario.id] ?? 0, scenario.alert, now);
    scenarioAlerts[scenario.id] = next.state;
    if (next.transition !== 'none')
      alerts.push(scenarioAlert(scenario, next.transition, after[scenario.id] ?? 0, now, prev, { before, after }));
    cleared.push(clearedByScenario(scenario.id, next.state.firing));
  }
  for (const indicator of watchbook.indicators) {
    const from = picture.statuses[indicator.id];
    const to = statuses[indicator.id]!;
    cleared.push(clearedByIndicator(indicator.id, to));
    const alert = from && from.status !== to ? indicatorAlert(indicator, from.status, to, now, from.at) : undefined;
    if (alert) alerts.push(alert);
  }
  return {
    fresh: [...fresh],
    evidence,
    fingerprints,
    state,
    statuses,
    scenarioAlerts,
    alerts,
    cleared: clearedByAny(cleared),
  };
}

/**
 * The picture after a step, for a fold over plain values (the backtest); the worker stores the step instead.
 * The step advanced the picture's ledger and cluster index already: they are carried over.
 */
export function advance(picture: Picture, result: StepResult, now: number): Picture {
  return {
    probabilities: result.state.probabilities,
    statuses: Object.fromEntries(Object.entries(result.statuses).map(([id, status]) => [id, { status, at: now }])),
    scenarioAlerts: { ...picture.scenarioAlerts, ...result.scenarioAlerts },
    ledger: picture.ledger,
    clusters: picture.clusters,
  };
}
