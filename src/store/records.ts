// The alert records the store keeps, and the rules on them both stores share. The store may import only
// model/ (.dependency-cruiser.cjs), so the shapes alerts/ defines (AlertGroup, GroupAlert, SendLog in
// alerts/group.ts; RuntimeSilence in alerts/silence.ts) are restated here field for field; TypeScript
// compares shapes, so alerts/ passes its own values in and gets them back typed as its own.
// test/store/records.test.ts fails to compile the day the two drift apart.
import type { Alert } from '../model/alert.js';
import type { Silence } from '../model/watchbook.js';
import { checkTime, StoreError } from './errors.js';
import { counterField, parseCounterField } from './keys.js';
import { byScoreThenMember, compareCodePoints } from './order.js';

/** = alerts/group.ts GroupAlert: one alert as its group sees it; `at` when it last fired or resolved. */
export interface GroupAlertRecord {
  id: string;
  firing: boolean;
  at: number;
}

/** = alerts/group.ts AlertGroup: the alerts of one group key, first seen at `firstSeenAt`. */
export interface AlertGroupRecord {
  firstSeenAt: number;
  alerts: GroupAlertRecord[];
}

/**
 * Whether a group holds a firing alert that a condition's end may resolve (alerts/clear.ts: a scenario,
 * indicator or source-health alert; a match tells of one event and resolves on its own): the groups a
 * resolution reads, kept in an index so that it does not read every group.
 */
export const awaitsClearing = (group: AlertGroupRecord): boolean =>
  group.alerts.some((a) => a.firing && !a.id.startsWith('match:'));

/** = alerts/group.ts SendLog: what went out to one receiver for one group. */
export interface SendLogRecord {
  lastSentAt?: number;
  lastSentIds?: string[];
}

/** = alerts/silence.ts RuntimeSilence: a silence added at runtime, with its id. */
export interface SilenceRecord extends Silence {
  id: string;
  createdAt: number;
}

/** Where a receiver's last digest left off: when it went out and the scenario probabilities it showed. */
export interface DigestMark {
  at: number;
  probabilities: Record<string, number>;
}

/**
 * Send claims: `claimed` (send now), `sent` (it went out already, or was recorded in doubt), `busy` (a live
 * claim is held), `in-doubt` (an earlier attempt started and never finished: its sender died mid-send or
 * right after, so the message may have gone; it is now recorded as sent in doubt and must not be sent again).
 */
export type ClaimResult = 'claimed' | 'sent' | 'busy' | 'in-doubt';

export function checkGroup(key: string, group: AlertGroupRecord): void {
  checkTime(`alert group ${key}: firstSeenAt`, group.firstSeenAt);
  for (const a of group.alerts) checkTime(`alert group ${key}, alert ${a.id}: at`, a.at);
}

export function checkAlerts(alerts: readonly Alert[]): void {
  for (const a of alerts) checkTime(`alert ${a.id}: startsAt`, a.startsAt);
}

export function checkSilence(s: SilenceRecord): void {
  checkTime(`silence ${s.id}: starts`, s.starts);
  checkTime(`silence ${s.id}: ends`, s.ends);
  checkTime(`silence ${s.id}: createdAt`, s.createdAt);
}

export function checkDigestMark(receiver: string, mark: DigestMark): void {
  checkTime(`digest mark of ${receiver}: at`, mark.at);
}

/** A claim's lifetime as Redis PX takes it: a positive whole number of milliseconds. */
export function checkTtl(ttlMs: number): void {
  if (!(Number.isInteger(ttlMs) && ttlMs > 0))
    throw new StoreError(`claimSend: ttlMs must be a positive integer, got ${String(ttlMs)}`);
}

/**
 * The silence expired at `now`, or undefined when it has expired already (nothing to change). An active
 * one ends now; a pending one starts and ends now, so it reads as expired at once (as Alertmanager does)
 * instead of pending until its start.
 */
export function expiredSilence(s: SilenceRecord, now: number): SilenceRecord | undefined {
  if (s.ends <= now) return undefined;
  return { ...s, starts: Math.min(s.starts, now), ends: now };
}

/** Runtime silences in the order both stores list them: oldest created first, ties by id. */
export const bySilenceAge = byScoreThenMember<SilenceRecord>(
  (s) => s.createdAt,
  (s) => s.id,
);

/** Digest alerts in the order both stores give them: by startsAt, ties by id. */
export const byAlertStart = byScoreThenMember<Alert>(
  (a) => a.startsAt,
  (a) => a.id,
);

/**
 * What the store remembers of a recorded send, beside the send-log: the group and time recordSend gave, or,
 * for a send claimSend found in doubt, when that was found and who had started the attempt.
 */
export interface SentRecord {
  groupKey?: string;
  lastSentAt?: number;
  inDoubt?: { at: number; owner: string };
}

/** How many records pruneAlerts dropped, by kind. */
export interface AlertPrune {
  /** Alerts a group forgot, and groups deleted because none was left. */
  groupAlerts: number;
  groups: number;
  /** Alert records. */
  alerts: number;
  /** Sent records (in doubt or not), started attempts, send-logs. */
  sent: number;
  attempts: number;
  sendLogs: number;
  /** Runtime silences that ended before now − alertTtlMs. */
  silences: number;
}

/** When a group's alert stopped firing, or undefined while it fires; pruneAlerts takes the caller's rule. */
export type StoppedAt = (alert: GroupAlertRecord) => number | undefined;

/** The stored rule: an alert stopped firing when it was resolved (`at`), and fires until then. */
export const resolvedAt: StoppedAt = (a) => (a.firing ? undefined : a.at);

/**
 * A group without the alerts that stopped firing before `before` and were last raised before it too
 * (`raisedAt`: undefined for an alert never put); undefined when it keeps them all. An alert raised again
 * and again (a source outage, checked at every fetch) so stays, and is not announced anew when raised
 * next. Both stores prune with this.
 */
export function withoutStale(
  group: AlertGroupRecord,
  before: number,
  stoppedAt: StoppedAt,
  raisedAt: (id: string) => number | undefined,
): AlertGroupRecord | undefined {
  const alerts = group.alerts.filter((a) => {
    const stopped = stoppedAt(a);
    return stopped === undefined || !(stopped < before) || !((raisedAt(a.id) ?? -Infinity) < before);
  });
  return alerts.length === group.alerts.length ? undefined : { ...group, alerts };
}

/** The alerts of a group that stopped firing before `before`: the ones whose last raise pruning must look up. */
export function stoppedBefore(group: AlertGroupRecord, before: number, stoppedAt: StoppedAt): string[] {
  return group.alerts.filter((a) => (stoppedAt(a) ?? Infinity) < before).map((a) => a.id);
}

/** An alert group as kept: with the receiver its route sends it to. */
export interface StoredGroup {
  receiver: string;
  group: AlertGroupRecord;
}

/** One counter to add to: a name, its labels, and how much (default 1; finite, may be fractional). */
export interface CounterIncrement {
  name: string;
  labels: Record<string, string>;
  by?: number;
}

/** A counter as read back: its name, labels and value. */
export interface CounterValue {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Counter increments as (field, by) pairs, checked: a name is not empty, a `by` is finite. */
export function checkCounts(counts: readonly CounterIncrement[]): [field: string, by: number][] {
  return counts.map((c) => {
    const by = c.by ?? 1;
    if (typeof c.name !== 'string' || c.name === '')
      throw new StoreError(`a counter needs a name, got ${JSON.stringify(c.name)}`);
    if (!Number.isFinite(by)) throw new StoreError(`counter ${c.name}: by must be a finite number, got ${String(by)}`);
    for (const [k, v] of Object.entries(c.labels)) {
      if (typeof v !== 'string')
        throw new StoreError(`counter ${c.name}: label ${k} must be a string, got ${typeof v}`);
    }
    return [counterField(c.name, c.labels), by];
  });
}

/** Counters from their hash fields, by name then field; a field that is not a counter's is skipped. */
export function readCounters(entries: readonly [field: string, value: number][]): CounterValue[] {
  const out: (CounterValue & { field: string })[] = [];
  for (const [field, value] of entries) {
    const parsed = parseCounterField(field);
    if (parsed) out.push({ ...parsed, value, field });
  }
  return out
    .sort((a, b) => compareCodePoints(a.name, b.name) || compareCodePoints(a.field, b.field))
    .map(({ field: _, ...c }) => c);
}
