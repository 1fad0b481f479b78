// Alerts that fire while a condition holds and resolve when it clears, as Alertmanager's do (a Prometheus
// rule sends its alert while the expression holds, then once more with endsAt when it no longer does):
//
//   scenario:<id>:fire:<since>          while the scenario's alert fires (scoring/hysteresis.ts), until it
//                                       clears at its exit threshold
//   indicator:<id>:<status>:<at>        for `overdue` and `in-window`, while the indicator stays in it
//   source-health:<source>:<success>    while the source fails (or is silent), until a fetch succeeds
//
// A resolved alert stops repeating and, once old, is pruned; it is not announced (no send_resolved). Every
// other alert tells of one event (a match, a scenario clearing, an indicator back to active or quiet): it
// fires once, and resolves a day later on its own (pipeline/dispatch.ts), as an Alertmanager alert without
// endsAt does after resolve_timeout. So does a condition whose subject left the watchbook (a scenario without
// thresholds, an indicator or a source removed): nothing would ever clear it. Ids are those of make.ts.

import type { IndicatorStatus } from '../model/evidence.js';
import type { Watchbook } from '../model/watchbook.js';

/** The parts of an alert id that say what fired: kind, subject (scenario, indicator, source) and state. */
export interface AlertIdParts {
  kind: string;
  subject: string;
  /** `fire` or `clear` for a scenario alert, the status for an indicator alert; else undefined. */
  state?: string;
}

/** Statuses an indicator alert fires for until the indicator leaves them. */
const ONGOING_STATUSES: ReadonlySet<string> = new Set<IndicatorStatus>(['overdue', 'in-window']);

/** What an alert id says; undefined for an id of no known form. Ids of watchbook objects hold no `:`. */
export function parseAlertId(id: string): AlertIdParts | undefined {
  const [kind, subject, state] = id.split(':');
  if (!kind || !subject) return undefined;
  if (kind === 'scenario' || kind === 'indicator') return state ? { kind, subject, state } : undefined;
  return { kind, subject };
}

/**
 * Whether an alert fires until its condition clears (a resolution ends it), rather than once: a scenario
 * firing, an indicator overdue or in its window, a source outage, while the watchbook still has its subject.
 */
export function firesUntilCleared(
  id: string,
  watchbook: Pick<Watchbook, 'scenarios' | 'indicators' | 'sources'>,
): boolean {
  const p = parseAlertId(id);
  switch (p?.kind) {
    case 'scenario':
      return p.state === 'fire' && watchbook.scenarios.some((s) => s.id === p.subject && s.alert !== undefined);
    case 'indicator':
      return ONGOING_STATUSES.has(p.state ?? '') && watchbook.indicators.some((i) => i.id === p.subject);
    case 'source-health':
      return watchbook.sources.some((s) => s.id === p.subject);
    default:
      return false;
  }
}

/**
 * Which alert ids a condition's end resolves: never a match's, so the store need list only the groups holding
 * another kind (store/records.ts awaitsClearing). Each is asked of every alert of those groups at each step
 * and fetch, so an id that cannot be its subject's (it does not start with kind and subject) is turned away
 * before it is parsed.
 */
export type Cleared = (id: string) => boolean;

/** A scenario's alert not firing clears its `fire` alerts; a firing one clears nothing. */
export function clearedByScenario(scenario: string, firing: boolean): Cleared {
  const prefix = `scenario:${scenario}`;
  return (id) => {
    if (firing || !id.startsWith(prefix)) return false;
    const p = parseAlertId(id);
    return p?.kind === 'scenario' && p.subject === scenario && p.state === 'fire';
  };
}

/** An indicator's status clears its alerts for the other statuses that fire until left. */
export function clearedByIndicator(indicator: string, status: IndicatorStatus): Cleared {
  const prefix = `indicator:${indicator}`;
  return (id) => {
    if (!id.startsWith(prefix)) return false;
    const p = parseAlertId(id);
    return (
      p?.kind === 'indicator' && p.subject === indicator && p.state !== status && ONGOING_STATUSES.has(p.state ?? '')
    );
  };
}

/** A source fetched well clears its outage alerts, whichever outage they were for. */
export function clearedBySource(source: string): Cleared {
  const prefix = `source-health:${source}`;
  return (id) => {
    if (!id.startsWith(prefix)) return false;
    const p = parseAlertId(id);
    return p?.kind === 'source-health' && p.subject === source;
  };
}

/** Several conditions at once: an id any of them clears. */
export function clearedByAny(cleared: readonly Cleared[]): Cleared {
  return (id) => cleared.some((c) => c(id));
}
