import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clearedByScenario, matchAlerts, scenarioAlert } from '../../src/alerts/index.js';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import { parseMatcher } from '../../src/config/labels.js';
import type { Alert } from '../../src/model/alert.js';
import type { LabelMatcher, Route, Watchbook } from '../../src/model/watchbook.js';
import { notificationsDue } from '../../src/pipeline/dispatch.js';
import { raiseAlerts } from '../../src/pipeline/raise.js';
import type { Store } from '../../src/store/index.js';
import { ev } from '../scoring/build.js';
import { type Backend, memoryBackend, redisBackend } from '../store/backends.js';

// Inhibition as a timeline on an injected clock, through what the jobs run (raiseAlerts) and what the tick
// runs (notificationsDue every minute, each notification recorded as delivered): the risk scenario fires at
// minute 0 and clears at 60. A high match leaning risk while it fires is inhibited: no desk message carries
// it, the digest still collects it. One leaning baseline is not (the `equal: [scenario]` differs), nor one
// leaning risk after the clearing. The shipped watchbook with the shipped inhibit rule; matches go to the
// digest (continue) and the desk, every label its own group, group_wait 30s.

const MIN = 60_000;
const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
const shipped = loadWatchbookOrThrow(new URL('../../config/', import.meta.url).pathname);
const timers = { groupBy: ['...'], groupWaitMs: 30_000, groupIntervalMs: 5 * MIN, repeatIntervalMs: 4 * 60 * MIN };
const routes: Route = {
  receiver: 'desk',
  match: {},
  continue: false,
  ...timers,
  routes: [
    { match: { kind: ['match'] }, receiver: 'digest', continue: true, routes: [] },
    { match: {}, receiver: 'desk', continue: false, routes: [] },
  ],
};
const wb: Watchbook = {
  ...shipped,
  routes,
  receivers: [
    { id: 'desk', slack: { webhook: 'https://hooks.example.org/desk' } },
    { id: 'digest', email: { to: ['analysts@example.org'] }, digest: '0 7 * * *' },
  ],
  silences: [],
};
const risk = wb.scenarios.find((s) => s.id === 'risk')!;

/** A high match from a KIIS release, leaning `scenario`, seen at `at`. */
function match(key: string, scenario: 'risk' | 'baseline', at: number): Alert {
  const evidence = ev({
    itemKey: key,
    source: 'kiis-reports',
    indicator: 'ukraine-polling',
    scenarios: { baseline: scenario === 'baseline' ? 1 : 0, risk: scenario === 'risk' ? 1 : 0 },
    seenAt: at,
  });
  return matchAlerts([evidence], wb, { before: {}, after: {} })[0]!;
}

describe.each<Backend>([redisBackend(), memoryBackend()])('inhibition, on $name', (backend) => {
  beforeAll(() => backend.setup());
  afterEach(() => backend.reset());
  afterAll(() => backend.teardown());

  it('the shipped watchbook ships the rule this timeline runs on', () => {
    const m = (...t: string[]) => t.map((x) => parseMatcher(x) as LabelMatcher);
    expect(shipped.inhibitRules).toContainEqual({
      sourceMatchers: m('kind="scenario"', 'severity="high"'),
      targetMatchers: m('kind="match"', 'severity="high"'),
      equal: ['scenario'],
    });
  });

  it('a firing scenario alert inhibits a high match leaning the same scenario, and stops once it clears', async () => {
    const store: Store = backend.open().store;
    const fire = scenarioAlert(risk, 'fire', 0.6, T0, { firing: false, pendingSince: T0 - 360 * MIN });
    const clear = scenarioAlert(risk, 'clear', 0.4, T0 + 60 * MIN, { firing: true, since: T0 });
    const during = match('during', 'risk', T0 + 10 * MIN);
    const other = match('other', 'baseline', T0 + 10 * MIN);
    const after = match('after', 'risk', T0 + 70 * MIN);
    const steps = new Map<number, Parameters<typeof raiseAlerts>[0]>([
      [0, { alerts: [fire], cleared: () => false }],
      [10, { alerts: [during, other], cleared: () => false }],
      [60, { alerts: [clear], cleared: clearedByScenario('risk', false) }],
      [70, { alerts: [after], cleared: () => false }],
    ]);
    const inhibited = new Map<number, number>();
    const sent: [minute: number, ids: string[]][] = [];
    for (let minute = 0; minute <= 120; minute++) {
      const now = T0 + minute * MIN;
      const step = steps.get(minute);
      if (step) inhibited.set(minute, (await raiseAlerts(step, wb, store, now)).dispatched.inhibited);
      for (const n of await notificationsDue(wb, store, now)) {
        await store.recordSend(
          n.groupKey,
          n.receiver,
          { lastSentAt: now, lastSentIds: n.alerts.map((a) => a.id) },
          n.id,
        );
        sent.push([minute, n.alerts.map((a) => a.id)]);
      }
    }
    expect(Object.fromEntries(inhibited)).toEqual({ 0: 0, 10: 1, 60: 0, 70: 0 });
    // group_wait is 30 s: each group goes at the next minute's tick. The match leaning risk while risk fired never does.
    expect(sent).toEqual([
      [1, [fire.id]],
      [11, [other.id]],
      [61, [clear.id]],
      [71, [after.id]],
    ]);
    // The digest is the record of the period: it has all three matches.
    expect((await store.peekDigestAlerts('digest')).map((a) => a.id).sort()).toEqual(
      [after.id, during.id, other.id].sort(),
    );
  });
});
