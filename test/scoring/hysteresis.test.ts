import { describe, expect, it } from 'vitest';
import type { ScenarioAlertState } from '../../src/model/evidence.js';
import { scenarioAlertState, type ScenarioAlertTransition } from '../../src/scoring/index.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 5, 15, 12);
const alert = { enter: 0.55, exit: 0.45, forMs: 60 * MIN };

/** One evaluation: minutes after T0, the probability, and the transition expected there. */
type Step = [minute: number, p: number, transition: ScenarioAlertTransition];

function run(steps: Step[], rule = alert, start: ScenarioAlertState = { firing: false }) {
  let state = start;
  return steps.map(([minute, p]) => {
    const step = scenarioAlertState(state, p, rule, T0 + minute * MIN);
    state = step.state;
    return step;
  });
}

const N = 'none';
// prettier-ignore
const timelines: [name: string, steps: Step[]][] = [
  ['p below enter raises nothing', [[0, 0.3, N], [10, 0.5, N], [20, 0.549, N]]],
  ['p rising through enter, dwelling less than for, then dropping below exit: no alert', [[0, 0.4, N], [10, 0.6, N], [40, 0.7, N], [60, 0.4, N], [200, 0.4, N]]],
  ['p rising through enter and holding for the whole dwell fires once, at its end', [[0, 0.4, N], [10, 0.6, N], [40, 0.6, N], [70, 0.6, 'fire'], [80, 0.6, N], [300, 0.9, N]]],
  ['p at exactly enter counts as above it', [[0, 0.55, N], [60, 0.55, 'fire']]],
  ['a dip below enter during the dwell restarts it', [[0, 0.6, N], [50, 0.6, N], [55, 0.5, N], [60, 0.6, N], [110, 0.6, N], [120, 0.6, 'fire']]],
  ['p hovering between exit and enter while firing: one alert, not many', [[0, 0.6, N], [60, 0.6, 'fire'], [70, 0.5, N], [80, 0.56, N], [90, 0.46, N], [100, 0.54, N], [110, 0.5, N]]],
  ['p flickering around enter while firing never clears or fires again', [[0, 0.7, N], [60, 0.7, 'fire'], [65, 0.54, N], [70, 0.56, N], [75, 0.54, N], [80, 0.56, N]]],
  ['p dropping below exit clears', [[0, 0.6, N], [60, 0.6, 'fire'], [70, 0.5, N], [80, 0.44, 'clear'], [90, 0.3, N]]],
  ['p at exactly exit clears', [[0, 0.6, N], [60, 0.6, 'fire'], [70, 0.45, 'clear']]],
  ['after clearing, rising again needs a fresh dwell', [[0, 0.6, N], [60, 0.6, 'fire'], [70, 0.4, 'clear'], [80, 0.6, N], [130, 0.6, N], [140, 0.6, 'fire']]],
  ['p hovering between exit and enter after clearing raises nothing', [[0, 0.6, N], [60, 0.6, 'fire'], [70, 0.4, 'clear'], [80, 0.5, N], [90, 0.54, N], [500, 0.5, N]]],
  ['a dwell held across a gap between evaluations fires at the next evaluation', [[0, 0.6, N], [180, 0.6, 'fire']]],
];

describe('scenarioAlertState: timelines (enter 0.55, exit 0.45, for 1h)', () => {
  it.each(timelines)('%s', (_, steps) => {
    expect(run(steps).map((s) => s.transition)).toEqual(steps.map(([, , t]) => t));
  });
});

describe('scenarioAlertState: state', () => {
  it('fires at the first evaluation at or above enter when for is 0', () => {
    const [step] = run([[0, 0.6, 'fire']], { ...alert, forMs: 0 });
    expect(step).toEqual({ state: { firing: true, since: T0 }, transition: 'fire' });
  });

  it('remembers when the dwell began while pending, and forgets it below enter', () => {
    const steps = run([
      [0, 0.6, N],
      [10, 0.6, N],
      [20, 0.5, N],
    ]);
    expect(steps.map((s) => s.state)).toEqual([
      { firing: false, pendingSince: T0 },
      { firing: false, pendingSince: T0 },
      { firing: false },
    ]);
  });

  it('records since when it fired and since when it cleared', () => {
    const steps = run([
      [0, 0.6, N],
      [60, 0.6, 'fire'],
      [70, 0.5, N],
      [80, 0.4, 'clear'],
      [90, 0.6, N],
    ]);
    expect(steps.map((s) => s.state)).toEqual([
      { firing: false, pendingSince: T0 },
      { firing: true, since: T0 + 60 * MIN },
      { firing: true, since: T0 + 60 * MIN },
      { firing: false, since: T0 + 80 * MIN },
      { firing: false, since: T0 + 80 * MIN, pendingSince: T0 + 90 * MIN },
    ]);
  });

  it('does not change the state it was given', () => {
    const prev: ScenarioAlertState = { firing: false, pendingSince: T0 };
    scenarioAlertState(prev, 0.9, alert, T0 + 120 * MIN);
    expect(prev).toEqual({ firing: false, pendingSince: T0 });
  });
});
