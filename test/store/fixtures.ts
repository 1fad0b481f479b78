// Records for store tests: complete, with only what a test cares about given.
import type { Alert } from '../../src/model/alert.js';
import type { Evidence, ScenarioState } from '../../src/model/evidence.js';
import type { SourceHealth } from '../../src/model/source-health.js';

export const MIN = 60_000;
export const DAY = 24 * 60 * MIN;
export const T0 = Date.UTC(2026, 0, 15, 12);

export function evidence(id: string, publishedAt: number, extra: Partial<Evidence> = {}): Evidence {
  return {
    id,
    itemKey: id.split('|')[0] ?? id,
    source: 'nato-news',
    credibility: 0.9,
    rule: 'assurance-extended',
    indicator: 'nato-partner-assurances',
    scenarios: { baseline: 0.5, risk: -0.2 },
    severity: 'high',
    publishedAt,
    seenAt: publishedAt + MIN,
    cluster: 'c0ffee00c0ffee00',
    terms: ['assurance', 'партнер'],
    title: `Story ${id}`,
    url: `https://example.org/${encodeURIComponent(id)}`,
    ...extra,
  };
}

export function scenarioState(at: number, risk = 0.4): ScenarioState {
  return {
    at,
    reference: 'baseline',
    probabilities: { baseline: 1 - risk, risk },
    logOdds: { baseline: 0, risk: Math.log(risk / (1 - risk)) },
    priorLogOdds: { baseline: 0, risk: Math.log(0.4 / 0.6) },
    contributions: { 'ukraine-polling': { baseline: 0, risk: 0.1 } },
    uncapped: { 'ukraine-polling': { baseline: 0, risk: 0.1 } },
    trail: [],
    counted: 1,
    ignored: 0,
  };
}

export function health(source: string, extra: Partial<SourceHealth> = {}): SourceHealth {
  return { source, consecutiveFailures: 0, itemsLastFetch: 3, nextCheckAt: T0 + 15 * MIN, ...extra };
}

export function alert(id: string, startsAt: number, extra: Partial<Alert> = {}): Alert {
  return {
    id,
    kind: 'match',
    labels: { kind: 'match', severity: 'high', indicator: 'nato-partner-assurances', rule: 'assurance-extended' },
    startsAt,
    summary: `Alert ${id}`,
    explanation: { title: `Story ${id}`, url: `https://example.org/${encodeURIComponent(id)}`, terms: ['assurance'], weights: { risk: -0.2 } },
    ...extra,
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
