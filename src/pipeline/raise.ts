// raise(): the one place alerts are raised. The scoring step (step.ts) and a fetch say what they mean for
// alerts: matches, scenario crossings and indicator changes from the step, a source failing or silent
// from a fetch. Routing decides who hears. Each also says which firing alerts its picture clears
// (alerts/clear.ts): a scenario no longer firing, an indicator out of overdue or its window, a source
// fetched well. Those are resolved, whatever raised them, so a resolution missed once (a job that died in
// between) is made by the next.

import { type Cleared, clearedBySource, sourceHealthAlert } from '../alerts/index.js';
import type { Alert } from '../model/alert.js';
import type { SourceHealth } from '../model/source-health.js';
import type { Source, Watchbook } from '../model/watchbook.js';
import type { Store } from '../store/index.js';
import { dispatchToGroups, type DispatchResult, type GroupRef, resolveAlerts } from './dispatch.js';

/** What a step means for alerts: the alerts it raises, and which firing ones it clears. */
export interface Raised {
  alerts: Alert[];
  cleared: Cleared;
}

/** A fetch that failed may raise an outage; one that went well clears the source's outage alerts. */
export function alertsAfterFetch(health: SourceHealth, source: Source, now: number): Raised {
  if (health.consecutiveFailures === 0) return { alerts: [], cleared: clearedBySource(source.id) };
  const alert = sourceHealthAlert(health, source, now);
  return { alerts: alert ? [alert] : [], cleared: () => false };
}

/**
 * Dispatch what a step raised, then resolve what it cleared. `groups`: the groups the alerts joined, whose
 * "send now?" the caller may ask at once rather than leave to the next tick.
 */
export async function raiseAlerts(
  raised: Raised,
  watchbook: Watchbook,
  store: Store,
  now: number,
): Promise<{ dispatched: DispatchResult; resolved: number; groups: GroupRef[] }> {
  const { result: dispatched, groups } = await dispatchToGroups(raised.alerts, watchbook, store, now);
  const resolved = await resolveAlerts(raised.cleared, store, now);
  return { dispatched, resolved, groups };
}
