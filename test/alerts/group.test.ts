import { describe, expect, it } from 'vitest';
import {
  decide,
  groupKey,
  groupLabels,
  resolveInGroup,
  resolveStale,
  scenarioAlert,
  updateGroup,
  type AlertGroup,
  type Decision,
  type RouteTimers,
  type SendLog,
} from '../../src/alerts/index.js';
import type { ScenarioAlertState } from '../../src/model/evidence.js';
import type { Scenario } from '../../src/model/watchbook.js';
import { scenarioAlertState } from '../../src/scoring/index.js';

// Timelines in the style of Alertmanager's acceptance tests (test/with_api_v2/acceptance/send_test.go):
// alerts pushed at given seconds, the decision asked every second as the worker's tick would, and the
// notifications that went out, with when and why. The clock is a plain number.

const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const TIMERS: RouteTimers = { groupWaitMs: 30 * S, groupIntervalMs: 5 * M, repeatIntervalMs: 4 * H };

/** An alert pushed at a second: firing unless said otherwise. */
type Push = [second: number, id: string, firing?: boolean];
/** A notification: the second it went out, why, and the firing alerts it carried. */
type Sent = [second: number, reason: Decision['reason'], alerts: string[]];

interface TimelineOptions {
  timers?: RouteTimers;
  /** Alerts that fire once resolve this many seconds after they fired (resolveStale). */
  resolveAfterS?: number;
}

function timeline(pushes: Push[], untilS: number, opts: TimelineOptions = {}): Sent[] {
  let group: AlertGroup | undefined;
  let log: SendLog | undefined;
  const sent: Sent[] = [];
  for (let s = 0; s <= untilS; s++) {
    const now = s * S;
    const due = pushes.filter(([at]) => at === s).map(([, id, firing = true]) => ({ id, firing, at: now }));
    if (due.length) group = updateGroup(group, due, now);
    if (!group) continue;
    if (opts.resolveAfterS !== undefined) group = resolveStale(group, now, opts.resolveAfterS * S);
    const decision = decide(group, log, opts.timers ?? TIMERS, now);
    if (!decision.send) continue;
    sent.push([s, decision.reason, decision.alerts]);
    log = { lastSentAt: now, lastSentIds: decision.alerts };
  }
  return sent;
}

const FOUR_H = (4 * H) / S;

describe('group timelines (group_wait 30s, group_interval 5m, repeat_interval 4h)', () => {
  // prettier-ignore
  it.each<[string, Push[], number, Sent[]]>([
    ['an alert at 0 goes out when group_wait has passed, at 30s, not before', [[0, 'a']], 60, [[30, 'first', ['a']]]],
    ['alerts arriving within group_wait go out together in the first message', [[0, 'a'], [10, 'b'], [29, 'c']], 60, [[30, 'first', ['a', 'b', 'c']]]],
    ['a second alert at 40s goes at the next group_interval tick (330s), not at once', [[0, 'a'], [40, 'b']], 600, [[30, 'first', ['a']], [330, 'new-alerts', ['a', 'b']]]],
    ['a burst of new alerts between two ticks makes one message', [[0, 'a'], [40, 'b'], [100, 'c'], [329, 'd']], 600, [[30, 'first', ['a']], [330, 'new-alerts', ['a', 'b', 'c', 'd']]]],
    ['a new alert in an old group waits for the tick after it arrives (930s), not the first missed one', [[0, 'a'], [700, 'b']], 1200, [[30, 'first', ['a']], [930, 'new-alerts', ['a', 'b']]]],
    ['an alert arriving exactly on a tick goes out on that tick', [[0, 'a'], [330, 'b']], 600, [[30, 'first', ['a']], [330, 'new-alerts', ['a', 'b']]]],
    ['nothing new: the group is sent again only after repeat_interval, on a tick', [[0, 'a']], FOUR_H + 600, [[30, 'first', ['a']], [30 + FOUR_H, 'repeat', ['a']]]],
    ['a new alert before the repeat resets the repeat clock', [[0, 'a'], [3000, 'b']], FOUR_H + 600, [[30, 'first', ['a']], [3030, 'new-alerts', ['a', 'b']]]],
    ['an alert that fired and resolved within group_wait is never sent', [[0, 'a'], [20, 'a', false]], 600, []],
    ['a resolved alert is not announced (no send_resolved)', [[0, 'a'], [0, 'b'], [100, 'b', false]], 3600, [[30, 'first', ['a', 'b']]]],
    ['a group whose alerts all resolved is not repeated', [[0, 'a'], [60, 'a', false]], FOUR_H + 600, [[30, 'first', ['a']]]],
    ['an alert that resolved and fired again after a send is new again', [[0, 'a'], [60, 'a', false], [400, 'a']], 1000, [[30, 'first', ['a']], [630, 'new-alerts', ['a']]]],
    ['the same alert pushed again and again is one alert: one message', [[0, 'a'], [10, 'a'], [100, 'a'], [400, 'a'], [4000, 'a']], 5000, [[30, 'first', ['a']]]],
    [
      'an alert firing until its condition clears repeats every repeat_interval, and never once resolved',
      [[0, 'a'], [9 * 3600, 'a', false]],
      3 * FOUR_H,
      [[30, 'first', ['a']], [30 + FOUR_H, 'repeat', ['a']], [30 + 2 * FOUR_H, 'repeat', ['a']]],
    ],
    [
      'a resolved alert leaves the repeats to the ones still firing',
      [[0, 'a'], [0, 'b'], [5 * 3600, 'a', false]],
      2 * FOUR_H + 600,
      [[30, 'first', ['a', 'b']], [30 + FOUR_H, 'repeat', ['a', 'b']], [30 + 2 * FOUR_H, 'repeat', ['b']]],
    ],
  ])('%s', (_, pushes, until, want) => {
    expect(timeline(pushes, until)).toEqual(want);
  });

  it('with group_wait 0 the first alert goes out at once', () => {
    expect(timeline([[5, 'a']], 60, { timers: { ...TIMERS, groupWaitMs: 0 } })).toEqual([[5, 'first', ['a']]]);
  });

  it('a repeat_interval shorter than group_interval still waits for a tick (Alertmanager #3370)', () => {
    const timers = { groupWaitMs: 30 * S, groupIntervalMs: 5 * M, repeatIntervalMs: 1 * M };
    expect(timeline([[0, 'a']], 700, { timers })).toEqual([
      [30, 'first', ['a']],
      [330, 'repeat', ['a']],
      [630, 'repeat', ['a']],
    ]);
  });

  it('alerts that fire once resolve after resolve_timeout, so they are told once and never repeated', () => {
    expect(
      timeline(
        [
          [0, 'a'],
          [40, 'b'],
        ],
        FOUR_H + 600,
        { resolveAfterS: 300 },
      ),
    ).toEqual([
      [30, 'first', ['a']],
      [330, 'new-alerts', ['b']],
    ]);
  });
});

describe('a scenario hovering around its threshold raises one alert, not ten', () => {
  const risk: Scenario = { id: 'risk', title: 'Risk', prior: 0.5, alert: { enter: 0.55, exit: 0.45, forMs: 10 * M } };
  const T0 = Date.UTC(2026, 5, 15, 12);
  // Evaluated every minute: around enter at first (each dip restarts the dwell), then held long enough
  // to fire, then hovering between exit and enter, crossing enter again and again.
  const hovering = [
    0.54,
    0.56,
    0.53,
    0.57,
    0.54,
    0.56,
    ...Array<number>(11).fill(0.6),
    0.54,
    0.56,
    0.5,
    0.58,
    0.46,
    0.56,
    0.54,
    0.57,
    0.5,
    0.56,
  ];

  function evaluate(): { transitions: string[]; alertIds: string[]; sent: Sent[] } {
    let state: ScenarioAlertState = { firing: false };
    let group: AlertGroup | undefined;
    let log: SendLog | undefined;
    const transitions: string[] = [];
    const alertIds: string[] = [];
    const sent: Sent[] = [];
    // The worker's tick every second; the scenario evaluated every minute.
    for (let second = 0; second < 3600; second++) {
      const now = T0 + second * S;
      const p = second % 60 === 0 ? hovering[second / 60] : undefined;
      if (p !== undefined) {
        const step = scenarioAlertState(state, p, risk.alert!, now);
        state = step.state;
        transitions.push(step.transition);
        // A caller that makes the alert on every evaluation while firing, not only on the transition (a
        // retried job does the same): the alert is made from the state, so it is the same alert each time.
        if (state.firing) {
          const alert = scenarioAlert(risk, 'fire', p, now, state);
          alertIds.push(alert.id);
          group = updateGroup(group, [{ id: alert.id, firing: true, at: now }], now);
        }
      }
      if (!group) continue;
      const decision = decide(group, log, TIMERS, now);
      if (decision.send) {
        sent.push([(now - T0) / S, decision.reason, decision.alerts]);
        log = { lastSentAt: now, lastSentIds: decision.alerts };
      }
    }
    return { transitions, alertIds, sent };
  }

  it('fires once upstream (the dwell and the exit threshold)', () => {
    expect(evaluate().transitions.filter((t) => t !== 'none')).toEqual(['fire']);
  });

  it('the alert made on every evaluation has one id, so the group holds one alert and sends one message', () => {
    const { alertIds, sent } = evaluate();
    expect(alertIds.length).toBeGreaterThan(10);
    expect(new Set(alertIds).size).toBe(1);
    const fired = 15 * 60; // minute 15: ten minutes after the hold at or above enter began, at minute 5
    expect(sent).toEqual([[fired + 30, 'first', [alertIds[0]]]]);
  });
});

describe('decide: the DedupStage table', () => {
  const t = (s: number) => s * S;
  const group = (firstSeenS: number, alerts: [id: string, firing: boolean, atS: number][]): AlertGroup => ({
    firstSeenAt: t(firstSeenS),
    alerts: alerts.map(([id, firing, at]) => ({ id, firing, at: t(at) })),
  });

  // prettier-ignore
  it.each<[string, { group: AlertGroup; sendLog: SendLog | undefined; now: number }, Omit<Decision, 'alerts'>]>([
    ['no entry, nothing firing: nothing to send, ever', { group: group(0, [['a', false, 10]]), sendLog: undefined, now: t(60) }, { send: false, reason: 'nothing-new' }],
    ['no entry, group_wait not over: wait until it is', { group: group(0, [['a', true, 0]]), sendLog: undefined, now: t(29) }, { send: false, reason: 'wait', at: t(30) }],
    ['no entry, group_wait over: first', { group: group(0, [['a', true, 0]]), sendLog: undefined, now: t(30) }, { send: true, reason: 'first' }],
    ['no entry, group_wait long over: first, at once', { group: group(0, [['a', true, 0]]), sendLog: {}, now: t(9000) }, { send: true, reason: 'first' }],
    ['new alert since the last send, before the next tick: wait for it', { group: group(0, [['a', true, 0], ['b', true, 40]]), sendLog: { lastSentAt: t(30), lastSentIds: ['a'] }, now: t(40) }, { send: false, reason: 'wait', at: t(330) }],
    ['new alert since the last send, on the tick: new-alerts', { group: group(0, [['a', true, 0], ['b', true, 40]]), sendLog: { lastSentAt: t(30), lastSentIds: ['a'] }, now: t(330) }, { send: true, reason: 'new-alerts' }],
    ['a late send does not move the ticks', { group: group(0, [['a', true, 0], ['b', true, 40]]), sendLog: { lastSentAt: t(37), lastSentIds: ['a'] }, now: t(330) }, { send: true, reason: 'new-alerts' }],
    ['the last send carried nothing firing: first', { group: group(0, [['a', true, 400]]), sendLog: { lastSentAt: t(30), lastSentIds: [] }, now: t(630) }, { send: true, reason: 'first' }],
    ['firing set a subset of the last send: nothing new until the repeat tick', { group: group(0, [['a', true, 0], ['b', false, 100]]), sendLog: { lastSentAt: t(30), lastSentIds: ['a', 'b'] }, now: t(400) }, { send: false, reason: 'nothing-new', at: t(30) + 4 * H }],
    ['repeat_interval passed: repeat', { group: group(0, [['a', true, 0]]), sendLog: { lastSentAt: t(30), lastSentIds: ['a'] }, now: t(30) + 4 * H }, { send: true, reason: 'repeat' }],
    ['nothing firing after a send: nothing new, and nothing to look again for', { group: group(0, [['a', false, 60]]), sendLog: { lastSentAt: t(30), lastSentIds: ['a'] }, now: t(30) + 5 * H }, { send: false, reason: 'nothing-new' }],
  ])('%s', (_, { group, sendLog, now }, want) => {
    const { alerts: _alerts, ...decision } = decide(group, sendLog, TIMERS, now);
    expect(decision).toEqual(want);
  });

  it('lists the firing alerts, in group order, for the send and the send-log', () => {
    expect(
      decide(
        group(0, [
          ['b', true, 0],
          ['x', false, 0],
          ['a', true, 1],
        ]),
        undefined,
        TIMERS,
        t(30),
      ).alerts,
    ).toEqual(['b', 'a']);
  });
});

describe('updateGroup', () => {
  it('starts a group at now and keeps its first time', () => {
    const g1 = updateGroup(undefined, [{ id: 'a', firing: true, at: 5 }], 7);
    const g2 = updateGroup(g1, [{ id: 'b', firing: true, at: 50 }], 50);
    expect(g2).toEqual({
      firstSeenAt: 7,
      alerts: [
        { id: 'a', firing: true, at: 5 },
        { id: 'b', firing: true, at: 50 },
      ],
    });
  });

  it('holds the same alert twice as one, keeping when it first fired', () => {
    const g = updateGroup(
      updateGroup(undefined, [{ id: 'a', firing: true, at: 5 }], 5),
      [
        { id: 'a', firing: true, at: 99 },
        { id: 'a', firing: true, at: 100 },
      ],
      100,
    );
    expect(g.alerts).toEqual([{ id: 'a', firing: true, at: 5 }]);
  });

  it('records a resolution, and a firing again, in place', () => {
    let g = updateGroup(
      undefined,
      [
        { id: 'a', firing: true, at: 0 },
        { id: 'b', firing: true, at: 0 },
      ],
      0,
    );
    g = updateGroup(g, [{ id: 'a', firing: false, at: 10 }], 10);
    expect(g.alerts).toEqual([
      { id: 'a', firing: false, at: 10 },
      { id: 'b', firing: true, at: 0 },
    ]);
    g = updateGroup(g, [{ id: 'a', firing: true, at: 20 }], 20);
    expect(g.alerts[0]).toEqual({ id: 'a', firing: true, at: 20 });
  });
});

describe('resolveInGroup', () => {
  const g: AlertGroup = {
    firstSeenAt: 0,
    alerts: [
      { id: 'scenario:risk:fire:x', firing: true, at: 0 },
      { id: 'match:m', firing: true, at: 0 },
      { id: 'scenario:risk:fire:old', firing: false, at: 5 },
    ],
  };
  const scenarios = (id: string) => id.startsWith('scenario:');

  it('resolves the firing alerts it is told of at now, leaving the others and those resolved already', () => {
    expect(resolveInGroup(g, scenarios, 10 * M)?.alerts).toEqual([
      { id: 'scenario:risk:fire:x', firing: false, at: 10 * M },
      { id: 'match:m', firing: true, at: 0 },
      { id: 'scenario:risk:fire:old', firing: false, at: 5 },
    ]);
  });

  it('is undefined when the group holds no firing alert it is told of', () => {
    expect(resolveInGroup(g, (id) => id === 'scenario:risk:fire:old', 10 * M)).toBeUndefined();
    expect(resolveInGroup(g, () => false, 10 * M)).toBeUndefined();
  });
});

describe('resolveStale', () => {
  const g: AlertGroup = {
    firstSeenAt: 0,
    alerts: [
      { id: 'match:x', firing: true, at: 0 },
      { id: 'scenario:risk', firing: true, at: 0 },
      { id: 'late', firing: true, at: 4 * M },
    ],
  };

  it('resolves what fired at least resolveAfter ago, at the time it expired, except what is kept firing', () => {
    expect(resolveStale(g, 5 * M, 5 * M, (id) => id.startsWith('scenario:')).alerts).toEqual([
      { id: 'match:x', firing: false, at: 5 * M },
      { id: 'scenario:risk', firing: true, at: 0 },
      { id: 'late', firing: true, at: 4 * M },
    ]);
  });
});

describe('groupKey and groupLabels', () => {
  const desk = { path: '{}/0{severity="high|critical"}', groupBy: ['indicator'] };
  const labels = { kind: 'match', indicator: 'ukraine-polling', severity: 'high', rule: 'kiis-poll' };

  // prettier-ignore
  it.each<[string, { path: string; groupBy: string[] }, Record<string, string>, string]>([
    ['is the route path and the group_by values', desk, labels, '{}/0{severity="high|critical"}:{indicator="ukraine-polling"}'],
    ['puts alerts of the same indicator in one group whatever else differs', desk, { ...labels, rule: 'other', severity: 'critical' }, '{}/0{severity="high|critical"}:{indicator="ukraine-polling"}'],
    ['leaves out a group_by label the alert lacks', { path: '{}', groupBy: ['indicator', 'scenario'] }, { kind: 'scenario', scenario: 'risk' }, '{}:{scenario="risk"}'],
    ['with no group_by, one group per route', { path: '{}', groupBy: [] }, labels, '{}:{}'],
    ["with group_by ['...'], every label, sorted", { path: '{}', groupBy: ['...'] }, labels, '{}:{indicator="ukraine-polling",kind="match",rule="kiis-poll",severity="high"}'],
    ['sorts group_by labels, so the order written does not matter', { path: '{}', groupBy: ['severity', 'indicator'] }, labels, '{}:{indicator="ukraine-polling",severity="high"}'],
  ])('%s', (_, route, l, want) => {
    expect(groupKey(route, l)).toBe(want);
  });

  it('differs between routes for the same labels', () => {
    expect(groupKey({ path: '{}/0', groupBy: ['indicator'] }, labels)).not.toBe(
      groupKey({ path: '{}/2', groupBy: ['indicator'] }, labels),
    );
  });

  it('gives the shared labels for the notification', () => {
    expect(groupLabels(desk, labels)).toEqual({ indicator: 'ukraine-polling' });
  });
});
