import { indicatorAlert, matchAlerts, scenarioAlert, sourceHealthAlert } from '../alerts/index.js';
import type { Alert } from '../model/alert.js';
import type { IndicatorStatus } from '../model/evidence.js';
import type { SourceHealth } from '../model/source-health.js';
import type { Source, Watchbook } from '../model/watchbook.js';
import { scenarioAlertState } from '../scoring/index.js';
import type { Store } from '../store/index.js';
import type { EvaluateResult } from './evaluate.js';

// raise(): what an evaluation or a fetch means for alerts. Matches become `match` alerts, a scenario
// crossing its thresholds (with hysteresis kept in the store) a `scenario` alert, an indicator changing
// status an `indicator` alert, a source failing or silent a `source-health` alert. Routing decides who hears.

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

export async function alertsAfterScoring(result: EvaluateResult, before: Before, watchbook: Watchbook, store: Store, now: number): Promise<Alert[]> {
  const after = result.state.probabilities;
  const alerts = matchAlerts(result.evidence, watchbook, { before: before.probabilities, after });
  for (const scenario of watchbook.scenarios) {
    if (!scenario.alert) continue;
    const prev = (await store.getScenarioAlert(scenario.id)) ?? { firing: false };
    const step = scenarioAlertState(prev, after[scenario.id] ?? 0, scenario.alert, now);
    await store.setScenarioAlert(scenario.id, step.state);
    if (step.transition !== 'none') alerts.push(scenarioAlert(scenario, step.transition, after[scenario.id] ?? 0, now, step.state, { before: before.probabilities, after }));
  }
  for (const indicator of watchbook.indicators) {
    const from = before.statuses[indicator.id];
    const to = result.statuses[indicator.id];
    if (from === undefined || to === undefined || from === to) continue;
    const alert = indicatorAlert(indicator, from, to, now);
    if (alert) alerts.push(alert);
  }
  return alerts;
}

export function alertsAfterFetch(health: SourceHealth, source: Source, now: number): Alert[] {
  const alert = sourceHealthAlert(health, source, now);
  return alert ? [alert] : [];
}
