import { type Cleared, clearedByAny, clearedByIndicator, clearedByScenario, clearedBySource, indicatorAlert, matchAlerts, scenarioAlert, sourceHealthAlert } from '../alerts/index.js';
import type { Alert } from '../model/alert.js';
import type { IndicatorStatus } from '../model/evidence.js';
import type { SourceHealth } from '../model/source-health.js';
import type { Item } from '../model/item.js';
import type { Source, Watchbook } from '../model/watchbook.js';
import type { Matcher } from '../rules/index.js';
import { scenarioAlertState } from '../scoring/index.js';
import type { Store } from '../store/index.js';
import { dispatchAlerts, type DispatchResult, resolveAlerts } from './dispatch.js';
import { evaluateItems, type EvaluateResult } from './evaluate.js';

// raise(): what an evaluation or a fetch means for alerts. Matches become `match` alerts, a scenario
// crossing its thresholds (with hysteresis kept in the store) a `scenario` alert, an indicator changing
// status an `indicator` alert, a source failing or silent a `source-health` alert. Routing decides who hears.
// Each step also says which firing alerts its picture clears (alerts/clear.ts): a scenario no longer firing,
// an indicator out of overdue or its window, a source fetched well. Those are resolved, whatever step raised
// them, so a resolution missed once (a job that died in between) is made by the next step.

/** What a step means for alerts: the alerts it raises, and which firing ones it clears. */
export interface Raised {
  alerts: Alert[];
  cleared: Cleared;
}

/** What the picture was before an evaluation, read before evaluateItems runs. */
export interface Before {
  probabilities: Record<string, number>;
  statuses: Record<string, IndicatorStatus>;
}

export async function pictureBefore(watchbook: Watchbook, store: Store): Promise<Before> {
  const [state, statuses] = await Promise.all([store.latestScenarioState(), store.indicatorStatuses()]);
  return {
    probabilities: state?.probabilities ?? Object.fromEntries(watchbook.scenarios.map((s) => [s.id, s.prior])),
    statuses: Object.fromEntries(Object.entries(statuses).map(([id, s]) => [id, s.status])),
  };
}

export async function alertsAfterScoring(result: EvaluateResult, before: Before, watchbook: Watchbook, store: Store, now: number): Promise<Raised> {
  const after = result.state.probabilities;
  const alerts = matchAlerts(result.evidence, watchbook, { before: before.probabilities, after });
  const cleared: Cleared[] = [];
  for (const scenario of watchbook.scenarios) {
    // A scenario without thresholds (removed on reload) fires no more.
    if (!scenario.alert) {
      cleared.push(clearedByScenario(scenario.id, false));
      continue;
    }
    const prev = (await store.getScenarioAlert(scenario.id)) ?? { firing: false };
    const step = scenarioAlertState(prev, after[scenario.id] ?? 0, scenario.alert, now);
    await store.setScenarioAlert(scenario.id, step.state);
    if (step.transition !== 'none') alerts.push(scenarioAlert(scenario, step.transition, after[scenario.id] ?? 0, now, step.state, { before: before.probabilities, after }));
    cleared.push(clearedByScenario(scenario.id, step.state.firing));
  }
  for (const indicator of watchbook.indicators) {
    const from = before.statuses[indicator.id];
    const to = result.statuses[indicator.id];
    if (to !== undefined) cleared.push(clearedByIndicator(indicator.id, to));
    if (from === undefined || to === undefined || from === to) continue;
    const alert = indicatorAlert(indicator, from, to, now);
    if (alert) alerts.push(alert);
  }
  return { alerts, cleared: clearedByAny(cleared) };
}

/** A fetch that failed may raise an outage; one that went well clears the source's outage alerts. */
export function alertsAfterFetch(health: SourceHealth, source: Source, now: number): Raised {
  if (health.consecutiveFailures === 0) return { alerts: [], cleared: clearedBySource(source.id) };
  const alert = sourceHealthAlert(health, source, now);
  return { alerts: alert ? [alert] : [], cleared: () => false };
}

/** Dispatch what a step raised, then resolve what it cleared. */
export async function raiseAlerts(raised: Raised, watchbook: Watchbook, store: Store, now: number): Promise<{ dispatched: DispatchResult; resolved: number }> {
  const dispatched = await dispatchAlerts(raised.alerts, watchbook, store, now);
  const resolved = await resolveAlerts(raised.cleared, store, now);
  return { dispatched, resolved };
}

/**
 * Score items and raise what that means for alerts: the picture is read before the evaluation changes it.
 * The score job runs this on a fetched batch, the tick's hourly rescore on none (the picture as time moved it).
 */
export async function scoreAndRaise(items: readonly Item[], watchbook: Watchbook, matcher: Matcher, store: Store, now: number): Promise<EvaluateResult> {
  const before = await pictureBefore(watchbook, store);
  const result = await evaluateItems(items, watchbook, matcher, store, now);
  await raiseAlerts(await alertsAfterScoring(result, before, watchbook, store, now), watchbook, store, now);
  return result;
}
