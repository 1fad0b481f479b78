// A scenario alert with hysteresis and a dwell time, like a Prometheus alerting rule with `for`:
//
//   not firing, p <  enter             -> stays clear; any pending dwell is dropped
//   not firing, p >= enter             -> pending since the first such evaluation; fires once it has held
//                                         for `forMs` (at once when forMs is 0)
//   firing,     p >  exit              -> stays firing, however often p crosses enter
//   firing,     p <= exit (and < enter) -> clears
//
// The dwell asks p to hold at or above enter (the schema's "after holding above enter this long"), as
// `for` does: a dip below enter restarts it. Once firing, only a fall to exit clears it, so a probability
// hovering between exit and enter, or around either threshold, gives one alert, not a stream of them.
// The config rejects exit >= enter; were it not, "and < enter" still keeps an alert from clearing and
// firing again on every evaluation.

import type { ScenarioAlertState } from '../model/evidence.js';
import type { Scenario } from '../model/watchbook.js';

export type ScenarioAlertTransition = 'fire' | 'clear' | 'none';

export interface ScenarioAlertStep {
  state: ScenarioAlertState;
  /** `fire` when the alert starts firing at this evaluation, `clear` when it stops, else `none`. */
  transition: ScenarioAlertTransition;
}

/** The next alert state of a scenario whose probability is `p` at `now`. Pure. */
export function scenarioAlertState(
  prev: ScenarioAlertState,
  p: number,
  alert: NonNullable<Scenario['alert']>,
  now: number,
): ScenarioAlertStep {
  if (prev.firing) {
    if (p <= alert.exit && p < alert.enter) return { state: { firing: false, since: now }, transition: 'clear' };
    return { state: { firing: true, ...(prev.since !== undefined && { since: prev.since }) }, transition: 'none' };
  }
  const idle: ScenarioAlertState = { firing: false, ...(prev.since !== undefined && { since: prev.since }) };
  if (!(p >= alert.enter)) return { state: idle, transition: 'none' };
  const pendingSince = prev.pendingSince ?? now;
  if (now - pendingSince >= alert.forMs) return { state: { firing: true, since: now }, transition: 'fire' };
  return { state: { ...idle, pendingSince }, transition: 'none' };
}
