import { describe, expect, it } from 'vitest';
import {
  clearedByAny,
  clearedByIndicator,
  clearedByScenario,
  clearedBySource,
  firesUntilCleared,
  indicatorAlert,
  parseAlertId,
  scenarioAlert,
  sourceHealthAlert,
} from '../../src/alerts/index.js';
import type { Indicator, Scenario, Source, Watchbook } from '../../src/model/watchbook.js';

// Which alerts fire until their condition clears, and which ids the end of a condition resolves, on ids
// made by make.ts itself.

const T0 = Date.UTC(2026, 5, 15, 12);
const risk: Scenario = { id: 'risk', title: 'Risk', prior: 0.4, alert: { enter: 0.55, exit: 0.45, forMs: 0 } };
const baseline: Scenario = { id: 'baseline', title: 'Baseline', prior: 0.6 };
const polling: Indicator = {
  id: 'ukraine-polling',
  title: 'Polling',
  halfLifeMs: 30 * 86_400_000,
  cap: 3,
  expectEveryMs: 14 * 86_400_000,
};
const nato: Indicator = { id: 'nato', title: 'NATO', halfLifeMs: 30 * 86_400_000, cap: 3 };
const kiis: Source = {
  id: 'kiis-reports',
  type: 'html',
  url: 'https://kiis.example/',
  everyMs: 3_600_000,
  credibility: 0.9,
  lang: 'en',
  tags: [],
};
const wb: Pick<Watchbook, 'scenarios' | 'indicators' | 'sources'> = {
  scenarios: [baseline, risk],
  indicators: [polling, nato],
  sources: [kiis],
};

const fired = scenarioAlert(risk, 'fire', 0.6, T0, { firing: false, pendingSince: T0 - 600_000 }).id;
const cleared = scenarioAlert(risk, 'clear', 0.4, T0 + 1, { firing: true, since: T0 }).id;
const overdue = indicatorAlert(polling, 'active', 'overdue', T0, T0 - 3_600_000)!.id;
const inWindow = indicatorAlert(nato, 'quiet', 'in-window', T0, T0 - 3_600_000)!.id;
const backActive = indicatorAlert(polling, 'overdue', 'active', T0, T0 - 3_600_000)!.id;
const outage = sourceHealthAlert(
  {
    source: 'kiis-reports',
    consecutiveFailures: 3,
    itemsLastFetch: 0,
    nextCheckAt: T0,
    lastSuccessAt: T0 - 86_400_000,
  },
  kiis,
  T0,
)!.id;
const match = 'match:kiis-reports:AAAAAAAAAAAAAAAAAAAAAAAA|poll-rejects';

describe('parseAlertId', () => {
  it.each<[string, string, ReturnType<typeof parseAlertId>]>([
    ['a scenario firing', fired, { kind: 'scenario', subject: 'risk', state: 'fire' }],
    ['a scenario clearing', cleared, { kind: 'scenario', subject: 'risk', state: 'clear' }],
    ['an indicator overdue', overdue, { kind: 'indicator', subject: 'ukraine-polling', state: 'overdue' }],
    ['a source outage', outage, { kind: 'source-health', subject: 'kiis-reports' }],
    ['a match (its evidence id holds ":")', match, { kind: 'match', subject: 'kiis-reports' }],
    ['nothing after the kind', 'scenario', undefined],
    ['a scenario without its state', 'scenario:risk', undefined],
  ])('%s', (_, id, want) => {
    expect(parseAlertId(id)).toEqual(want);
  });
});

describe('firesUntilCleared', () => {
  it.each<[string, string, Pick<Watchbook, 'scenarios' | 'indicators' | 'sources'>, boolean]>([
    ['a scenario firing', fired, wb, true],
    ['a scenario clearing: a one-off notice', cleared, wb, false],
    ['an indicator overdue', overdue, wb, true],
    ['an indicator in its window', inWindow, wb, true],
    ['an indicator back to active: a one-off notice', backActive, wb, false],
    ['a source outage', outage, wb, true],
    ['a match', match, wb, false],
    [
      'a scenario firing whose thresholds were removed',
      fired,
      { ...wb, scenarios: [baseline, { ...risk, alert: undefined }] },
      false,
    ],
    ['an indicator overdue that was removed', overdue, { ...wb, indicators: [nato] }, false],
    ['a source outage of a source removed', outage, { ...wb, sources: [] }, false],
  ])('%s: %s', (_, id, watchbook, want) => {
    expect(firesUntilCleared(id, watchbook)).toBe(want);
  });
});

describe('what the end of a condition clears', () => {
  const all = [fired, cleared, overdue, inWindow, backActive, outage, match];
  // prettier-ignore
  it.each<[string, (id: string) => boolean, string[]]>([
    ['a scenario that fires clears nothing', clearedByScenario('risk', true), []],
    ['a scenario that no longer fires clears its firing, not its clearing', clearedByScenario('risk', false), [fired]],
    ['another scenario clears nothing of risk', clearedByScenario('baseline', false), []],
    ['an indicator back to active clears its overdue alert, not the notice', clearedByIndicator('ukraine-polling', 'active'), [overdue]],
    ['an indicator still overdue clears nothing', clearedByIndicator('ukraine-polling', 'overdue'), []],
    ['an indicator out of its window clears its window alert', clearedByIndicator('nato', 'quiet'), [inWindow]],
    ['a source fetched well clears its outage', clearedBySource('kiis-reports'), [outage]],
    ['another source clears nothing', clearedBySource('kiis'), []],
    ['any of several', clearedByAny([clearedByScenario('risk', false), clearedBySource('kiis-reports')]), [fired, outage]],
  ])('%s', (_, clears, want) => {
    expect(all.filter(clears)).toEqual(want);
  });
});
