import { describe, expect, it } from 'vitest';
import type { Evidence, IndicatorStatus } from '../../src/model/evidence.js';
import type { Indicator } from '../../src/model/watchbook.js';
import { indicatorStatus } from '../../src/scoring/index.js';
import { DAY, ev, NOW } from './build.js';

// A summit indicator: a window around the summit, evidence expected every 120 days, a 30-day half-life.
const summit: Indicator = {
  id: 'nato-partner-assurances',
  title: 'NATO',
  window: { from: NOW + 10 * DAY, to: NOW + 40 * DAY },
  expectEveryMs: 120 * DAY,
  halfLifeMs: 30 * DAY,
  cap: 3,
};
const noExpect: Indicator = { ...summit, expectEveryMs: undefined };

const at = (daysAgo: number, over: Partial<Evidence> = {}) =>
  ev({ indicator: summit.id, publishedAt: NOW - daysAgo * DAY, ...over });

type Case = [
  name: string,
  indicator: Indicator,
  evidence: Evidence[],
  now: number,
  since: number | undefined,
  status: IndicatorStatus,
];

// prettier-ignore
const table: Case[] = [
  // 1. in-window beats everything
  ['in-window inside the window, even after a silence that would make it overdue', summit, [at(200)], NOW + 20 * DAY, undefined, 'in-window'],
  ['in-window inside the window, even with fresh evidence', summit, [at(0)], NOW + 20 * DAY, undefined, 'in-window'],
  ['in-window at the first instant of the window', summit, [], NOW + 10 * DAY, undefined, 'in-window'],
  ['in-window at the last instant of the window', summit, [], NOW + 40 * DAY, undefined, 'in-window'],
  ['not in-window one millisecond before it opens', summit, [at(1)], NOW + 10 * DAY - 1, undefined, 'active'],
  ['not in-window one millisecond after it closes', summit, [], NOW + 40 * DAY + 1, NOW, 'quiet'],
  // 2. overdue beats active and quiet
  ['overdue when the latest evidence is older than the expect period', summit, [at(121), at(150)], NOW, undefined, 'overdue'],
  ['not overdue at exactly the expect period', summit, [at(120)], NOW, undefined, 'quiet'],
  ['overdue with no evidence since watching began longer ago than the period', summit, [], NOW, NOW - 121 * DAY, 'overdue'],
  ['not overdue with no evidence and no start to measure from', summit, [], NOW, undefined, 'quiet'],
  ['not overdue when watching began recently, though the evidence is old (backfill)', summit, [at(200)], NOW, NOW - 10 * DAY, 'quiet'],
  ['not overdue without an expect period, however old the evidence', noExpect, [at(500)], NOW, NOW - 500 * DAY, 'quiet'],
  // 3. active, else 4. quiet
  ['active with evidence within one half-life', summit, [at(200), at(10)], NOW, undefined, 'active'],
  ['active with evidence exactly one half-life old', summit, [at(30)], NOW, undefined, 'active'],
  ['quiet with evidence just over one half-life old', summit, [at(30.001)], NOW, undefined, 'quiet'],
  ['quiet with no evidence', noExpect, [], NOW, undefined, 'quiet'],
  // what is left out
  ['ignores evidence published after now', summit, [at(-1)], NOW, undefined, 'quiet'],
  ['ignores future evidence when deciding overdue', summit, [at(-1)], NOW, NOW - 121 * DAY, 'overdue'],
  ['ignores evidence of another indicator', summit, [at(1, { indicator: 'ukraine-polling' })], NOW, undefined, 'quiet'],
];

describe('indicatorStatus (precedence: in-window, overdue, active, quiet)', () => {
  it.each(table)('%s', (_, indicator, evidence, now, since, status) => {
    expect(indicatorStatus(indicator, evidence, now, since)).toBe(status);
  });
});
