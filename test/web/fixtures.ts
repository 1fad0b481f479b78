// Shared by the overview, feedback and browser tests: a watch on Kyiv time with alert thresholds and two
// indicators, and evidence records made to order.
import type { Evidence } from '../../src/model/evidence.js';
import type { Watchbook } from '../../src/model/watchbook.js';
import { WATCHBOOK } from './harness.js';

const DAY = 86_400_000;

// prettier-ignore
export const KYIV_WATCHBOOK: Watchbook = {
  ...WATCHBOOK,
  watch: { ...WATCHBOOK.watch, timezone: 'Europe/Kyiv' },
  scenarios: [WATCHBOOK.scenarios[0]!, { ...WATCHBOOK.scenarios[1]!, alert: { enter: 0.55, exit: 0.45, forMs: 0 } }],
  indicators: [...WATCHBOOK.indicators, { id: 'talks', title: 'Peace talks', halfLifeMs: DAY, cap: 3, window: { from: Date.UTC(2026, 5, 1) - 3 * 3_600_000, to: Date.UTC(2026, 6, 15) } }],
};

export function evidence(id: string, over: Partial<Evidence>): Evidence {
  return {
    id,
    itemKey: id.split('|')[0]!,
    source: 'good-feed',
    credibility: 0.8,
    rule: 'r1',
    indicator: 'troops',
    scenarios: { risk: 1, calm: 0 },
    severity: 'high',
    publishedAt: Date.now() - 60_000,
    seenAt: Date.now(),
    cluster: id,
    terms: [],
    title: id,
    ...over,
  };
}
