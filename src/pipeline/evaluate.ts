import { NEAR_DUPLICATE_BITS } from '../items/index.js';
import type { Evidence, IndicatorStatus, ScenarioState } from '../model/evidence.js';
import type { Item } from '../model/item.js';
import type { Indicator, Watchbook } from '../model/watchbook.js';
import type { Matcher } from '../rules/index.js';
import { assignCluster, indicatorStatus, scoreScenarios } from '../scoring/index.js';
import type { Store } from '../store/index.js';

// evaluate(): new items in, evidence and the scenario picture out. The worker, `signpost backtest` and the
// tests run this same function; only the store differs (Redis, or memory). Every step is keyed, so running
// it twice on the same items (BullMQ retries) records nothing twice.

/** How far back near-duplicates are looked for: a syndicated copy comes within days, not months. */
const CLUSTER_LOOKBACK_MS = 7 * 86_400_000;
const CLUSTER_CANDIDATES = 5_000;
/** Evidence older than this many half-lives weighs under 0.1% and is left out of the score. */
export const HALF_LIVES_SCORED = 10;

/**
 * How far back scoring reads evidence: HALF_LIVES_SCORED half-lives of the longest indicator. Evidence is
 * kept exactly that long (pruneEvidence), so what scoring reads is always there.
 */
export function scoredSpanMs(indicators: readonly Pick<Indicator, 'halfLifeMs'>[]): number {
  return HALF_LIVES_SCORED * Math.max(0, ...indicators.map((i) => i.halfLifeMs));
}

export interface EvaluateResult {
  /** Items not seen before, in input order. */
  fresh: Item[];
  /** Evidence recorded for them. */
  evidence: Evidence[];
  state: ScenarioState;
  statuses: Record<string, IndicatorStatus>;
}

export async function evaluateItems(items: readonly Item[], watchbook: Watchbook, matcher: Matcher, store: Store, now: number): Promise<EvaluateResult> {
  // Seen is asked first and marked last: a run that dies in between leaves its items unseen, and the retry
  // records them again under the same evidence ids (a no-op for what the first run got to write).
  const wasSeen = await store.isSeen(
    items.map((i) => i.key),
    now,
  );
  const fresh = items.filter((_, n) => !wasSeen[n]);
  const credibility = new Map(watchbook.sources.map((s) => [s.id, s.credibility]));

  const recent = await store.recentFingerprints(now - CLUSTER_LOOKBACK_MS, CLUSTER_CANDIDATES);
  const evidence: Evidence[] = [];
  const fingerprints = [];
  for (const item of fresh) {
    const cluster = assignCluster(item.fingerprint, recent, NEAR_DUPLICATE_BITS);
    const entry = { cluster, fingerprint: item.fingerprint, at: now };
    recent.push(entry);
    fingerprints.push(entry);
    for (const m of matcher.match(item)) {
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
        title: item.title,
        ...(item.url !== undefined && { url: item.url }),
      });
    }
  }
  await store.addFingerprints(fingerprints);
  await store.addEvidence(evidence);
  await store.markSeen(
    fresh.map((i) => i.key),
    now,
  );

  const scored = await store.listEvidence(now - scoredSpanMs(watchbook.indicators), now);
  const state = scoreScenarios(scored, watchbook, now);
  await store.appendScenarioState(state);

  const statuses: Record<string, IndicatorStatus> = {};
  for (const indicator of watchbook.indicators) {
    const status = indicatorStatus(
      indicator,
      scored.filter((e) => e.indicator === indicator.id),
      now,
    );
    statuses[indicator.id] = status;
    await store.setIndicatorStatus(indicator.id, status, now);
  }
  return { fresh, evidence, state, statuses };
}

/**
 * Drop the evidence scoring no longer reads: published more than scoredSpanMs before `now`, by the running
 * watchbook's indicators (so a half-life lengthened on reload finds what an earlier prune dropped gone; it
 * weighed under 0.1% then). Returns how many records went. A watchbook without indicators scores nothing,
 * and purges nothing. Item keys stay in the seen-set longer (StoreOptions.seenTtlMs), so a purged item never
 * comes back as new.
 */
export async function pruneEvidence(watchbook: Pick<Watchbook, 'indicators'>, store: Store, now: number): Promise<number> {
  if (watchbook.indicators.length === 0) return 0;
  return store.purgeEvidence(now - scoredSpanMs(watchbook.indicators));
}
