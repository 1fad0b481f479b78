// Small builders for scoring tests: a two-scenario watchbook and evidence records with defaults.
import type { Evidence } from '../../src/model/evidence.js';
import type { Indicator, Scenario, Watchbook } from '../../src/model/watchbook.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const NOW = Date.UTC(2026, 5, 15, 12);

export const polling: Indicator = { id: 'ukraine-polling', title: 'Polling', halfLifeMs: 30 * DAY, cap: 3 };
export const nato: Indicator = { id: 'nato-partner-assurances', title: 'NATO', halfLifeMs: 30 * DAY, cap: 3 };

export const baseline: Scenario = { id: 'baseline', title: 'Baseline', prior: 0.6 };
export const risk: Scenario = {
  id: 'risk',
  title: 'Risk',
  prior: 0.4,
  alert: { enter: 0.55, exit: 0.45, forMs: HOUR },
};

export const book: Pick<Watchbook, 'scenarios' | 'indicators'> = {
  scenarios: [baseline, risk],
  indicators: [polling, nato],
};

/** Reports this far apart are separate events (scoring/events.ts: two days) even when they lean one way. */
export const APART = 3 * DAY;

/** The decay of a report `i` events back, APART each, on a 30-day half-life. */
export const decayApart = (i: number) => 2 ** (-(i * APART) / (30 * DAY));

let n = 0;

/** One evidence record: a fresh item from source `a` (credibility 0.9), rule `poll-rejects` favouring risk strongly. */
export function ev(over: Partial<Evidence> = {}): Evidence {
  const itemKey = over.itemKey ?? `item-${++n}`;
  const rule = over.rule ?? 'poll-rejects';
  return {
    id: `${itemKey}|${rule}`,
    itemKey,
    source: 'a',
    credibility: 0.9,
    rule,
    indicator: polling.id,
    scenarios: { baseline: 0, risk: 1 },
    severity: 'high',
    publishedAt: NOW,
    seenAt: NOW,
    cluster: `cluster-${itemKey}`,
    terms: ['poll'],
    title: `Story ${itemKey}`,
    ...over,
  };
}

/** `count` copies of one story (one cluster), from the given sources in turn. */
export function copies(count: number, sources: [string, number][], over: Partial<Evidence> = {}): Evidence[] {
  return Array.from({ length: count }, (_, i) => {
    const [source, credibility] = sources[i % sources.length]!;
    return ev({ cluster: 'story', source, credibility, ...over, itemKey: `${source}-copy-${i}` });
  });
}
