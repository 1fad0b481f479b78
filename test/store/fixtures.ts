// Records for store tests: complete, with only what a test cares about given.
import type { Alert } from '../../src/model/alert.js';
import type { Evidence, ScenarioState } from '../../src/model/evidence.js';
import type { SourceHealth } from '../../src/model/source-health.js';
import type { AlertGroupRecord, Store } from '../../src/store/index.js';

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
    explanation: {
      title: `Story ${id}`,
      url: `https://example.org/${encodeURIComponent(id)}`,
      terms: ['assurance'],
      weights: { risk: -0.2 },
    },
    ...extra,
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The sources of a dueSchedule reply, in its order. */
export function due(schedule: readonly { source: string; at: number }[]): string[] {
  return schedule.map((s) => s.source);
}

/** Write a group whatever the key held (the store changes groups only by compare-and-set). */
export async function setGroup(
  store: Pick<Store, 'updateAlertGroup'>,
  key: string,
  group: AlertGroupRecord,
  receiver: string,
): Promise<void> {
  await store.updateAlertGroup(key, receiver, () => group);
}

/**
 * Whether a send is recorded (by recordSend, or in doubt by claimSend), asked the way a sender asks: a claim
 * answers `sent` for it; a claim taken for the asking is released at once, leaving nothing behind.
 */
export async function sentAlready(
  store: Pick<Store, 'claimSend' | 'releaseSend'>,
  notificationId: string,
  receiver: string,
): Promise<boolean> {
  const claim = await store.claimSend(notificationId, receiver, 'sent-already?', 60_000, T0);
  if (claim === 'claimed') await store.releaseSend(notificationId, receiver, 'sent-already?');
  // An attempt in doubt is recorded as sent by the asking: a test that asks then must say so itself.
  if (claim === 'in-doubt') throw new Error(`sentAlready: ${notificationId} to ${receiver} had an attempt in doubt`);
  return claim === 'sent';
}
