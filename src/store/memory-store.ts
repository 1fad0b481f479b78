// The store in plain Maps, for backtests and tests of the pipeline: the same answers as RedisStore, tie
// orders included (order.ts), and the same retention. Values are kept as JSON text, as Redis keeps them,
// so what comes back is a copy shaped exactly like a Redis round trip (undefined fields dropped).
import type { Alert } from '../model/alert.js';
import type { Evidence, IndicatorStatus, ScenarioAlertState, ScenarioState } from '../model/evidence.js';
import type { SourceHealth, Validators } from '../model/source-health.js';
import { checkBound, checkTime, parseJson } from './errors.js';
import { fingerprintMember, pairField, splitFingerprintMember } from './keys.js';
import type { CountOnce } from './store.js';
import { limitCount, type Retention, retention, type StoreOptions } from './options.js';
import { byScoreThenMember, compareCodePoints } from './order.js';
import {
  type AlertGroupRecord,
  type AlertPrune,
  byAlertStart,
  bySilenceAge,
  checkAlerts,
  checkCounts,
  checkDigestMark,
  checkGroup,
  checkSilence,
  checkTtl,
  type ClaimResult,
  type CounterIncrement,
  type CounterValue,
  type DigestMark,
  expiredSilence,
  readCounters,
  resolvedAt,
  type SendLogRecord,
  type SentRecord,
  type SilenceRecord,
  type StoppedAt,
  type StoredGroup,
  withoutStale,
} from './records.js';
import { MemoryPictureLog } from './picture-log.js';
import type { FingerprintEntry, Store } from './store.js';

/** Runs `fn` as a promise: a throw becomes a rejection, as it would from Redis. */
function settle<T>(fn: () => T): Promise<T> {
  return new Promise((resolve) => resolve(fn()));
}

function take<T>(items: T[], limit: number): T[] {
  const count = limitCount(limit);
  return count < 0 ? items : items.slice(0, count);
}

interface Scored {
  member: string;
  score: number;
}

const ascending = byScoreThenMember<Scored>(
  (s) => s.score,
  (s) => s.member,
);
const descending = (a: Scored, b: Scored) => ascending(b, a);

export class MemoryStore implements Store {
  private readonly retention: Retention;
  /** Item key → last seen; re-marked keys move to the end, so the oldest come first (trimmed from there). */
  private readonly seen = new Map<string, number>();
  private readonly evidence = new Map<string, { publishedAt: number; json: string }>();
  private readonly fingerprints = new Map<string, number>();
  readonly pictureLog = new MemoryPictureLog();
  /** Sorted by `at`, one state per instant. */
  private history: { at: number; json: string }[] = [];
  private readonly alerts = new Map<string, string>();
  private readonly statuses = new Map<string, string>();
  private readonly health = new Map<string, string>();
  private readonly validators = new Map<string, string>();
  private readonly due = new Map<string, number>();
  /** When a worker first found this store; undefined until then. */
  private sentinel: number | undefined;
  private readonly warming = new Set<string>();
  private readonly groups = new Map<string, string>();
  private readonly alertRecords = new Map<string, string>();
  /** Alert id → when it was last raised (its latest startsAt). */
  private readonly alertRaised = new Map<string, number>();
  /** pairField(group key, receiver) → SendLog JSON, and its latest lastSentAt (undefined: never pruned). */
  private readonly sendLogs = new Map<string, { json: string; at: number | undefined }>();
  /** pairField(receiver, notification id) → SentRecord JSON, and when it was recorded (undefined: never pruned). */
  private readonly sent = new Map<string, { json: string; at: number | undefined }>();
  /** pairField(receiver, notification id) → the claim; lapsed ones are dropped when next looked at. */
  private readonly claims = new Map<string, { owner: string; expiresAt: number }>();
  /** pairField(receiver, notification id) → a send started and neither recorded nor released. */
  private readonly attempts = new Map<string, { owner: string; at: number }>();
  private readonly silenceRecords = new Map<string, string>();
  /** Receiver → alert id → Alert JSON. */
  private readonly digests = new Map<string, Map<string, string>>();
  private readonly digestMarks = new Map<string, string>();
  /** counterField → value. */
  private readonly counterValues = new Map<string, number>();
  /** Counted events (incrementCounters `once`) → until when they are remembered. */
  private readonly counted = new Map<string, number>();

  constructor(opts: StoreOptions = {}) {
    this.retention = retention(opts);
  }

  markSeen(keys: readonly string[], now: number): Promise<boolean[]> {
    return settle(() => {
      checkTime('markSeen: now', now);
      const cutoff = now - this.retention.seenTtlMs;
      for (const [key, last] of this.seen) {
        if (last >= cutoff) break;
        this.seen.delete(key);
      }
      return keys.map((key) => {
        const last = this.seen.get(key);
        if (last === undefined || last < now) {
          this.seen.delete(key);
          this.seen.set(key, now);
        }
        return last === undefined || last < cutoff;
      });
    });
  }

  isSeen(keys: readonly string[], now: number): Promise<boolean[]> {
    return settle(() => {
      checkTime('isSeen: now', now);
      const cutoff = now - this.retention.seenTtlMs;
      return keys.map((key) => {
        const last = this.seen.get(key);
        return last !== undefined && last >= cutoff;
      });
    });
  }

  addEvidence(evidence: readonly Evidence[]): Promise<number> {
    return settle(() => {
      for (const e of evidence) checkTime(`evidence ${e.id}: publishedAt`, e.publishedAt);
      let added = 0;
      for (const e of evidence) {
        if (this.evidence.has(e.id)) continue;
        this.evidence.set(e.id, { publishedAt: e.publishedAt, json: JSON.stringify(e) });
        added++;
      }
      return added;
    });
  }

  listEvidence(since: number, until = Infinity): Promise<Evidence[]> {
    return settle(() => {
      checkBound('listEvidence: since', since);
      checkBound('listEvidence: until', until);
      const hits: (Scored & { json: string })[] = [];
      for (const [id, { publishedAt, json }] of this.evidence) {
        if (publishedAt >= since && publishedAt <= until) hits.push({ member: id, score: publishedAt, json });
      }
      return hits.sort(ascending).map((h) => parseJson<Evidence>(h.json, 'evidence'));
    });
  }

  purgeEvidence(before: number): Promise<number> {
    return settle(() => {
      checkBound('purgeEvidence: before', before);
      let removed = 0;
      for (const [id, { publishedAt }] of this.evidence) {
        if (publishedAt < before) {
          this.evidence.delete(id);
          removed++;
        }
      }
      return removed;
    });
  }

  /** The fingerprints RedisStore would hold: the newest `fingerprintLimit`, newest first. */
  private keptFingerprints(): Scored[] {
    const all = [...this.fingerprints].map(([member, score]) => ({ member, score }));
    return all.sort(descending).slice(0, this.retention.fingerprintLimit);
  }

  addFingerprints(entries: readonly FingerprintEntry[]): Promise<void> {
    return settle(() => {
      for (const e of entries) checkTime(`fingerprint ${e.fingerprint}: at`, e.at);
      for (const e of entries) {
        const member = fingerprintMember(e.cluster, e.fingerprint);
        this.fingerprints.set(member, Math.max(e.at, this.fingerprints.get(member) ?? -Infinity));
      }
      // Trimmed lazily: reads look at the newest `fingerprintLimit` only, which is what Redis keeps, since
      // times only grow and nothing else removes a fingerprint.
      if (this.fingerprints.size > 2 * this.retention.fingerprintLimit) {
        const kept = this.keptFingerprints();
        this.fingerprints.clear();
        for (const { member, score } of kept) this.fingerprints.set(member, score);
      }
    });
  }

  recentFingerprints(since: number, limit: number): Promise<FingerprintEntry[]> {
    return settle(() => {
      checkBound('recentFingerprints: since', since);
      const recent =
        this.fingerprints.size <= this.retention.fingerprintLimit
          ? [...this.fingerprints].filter(([, score]) => score >= since).map(([member, score]) => ({ member, score })).sort(descending)
          : this.keptFingerprints().filter((f) => f.score >= since);
      return take(recent, limit).map((f) => ({ ...splitFingerprintMember(f.member), at: f.score }));
    });
  }

  appendScenarioState(state: ScenarioState): Promise<void> {
    return settle(() => {
      checkTime('scenario state: at', state.at);
      const entry = { at: state.at, json: JSON.stringify(state) };
      const i = this.history.findLastIndex((h) => h.at <= state.at);
      if (this.history[i]?.at === state.at) this.history[i] = entry;
      else this.history.splice(i + 1, 0, entry);
      const excess = this.history.length - this.retention.historyLimit;
      if (excess > 0) this.history = this.history.slice(excess);
    });
  }

  scenarioHistory(since: number, limit: number): Promise<ScenarioState[]> {
    return settle(() => {
      checkBound('scenarioHistory: since', since);
      const newest = take(this.history.filter((h) => h.at >= since).reverse(), limit);
      return newest.reverse().map((h) => parseJson<ScenarioState>(h.json, 'scenario history'));
    });
  }

  latestScenarioState(): Promise<ScenarioState | undefined> {
    return settle(() => {
      const last = this.history.at(-1);
      return last && parseJson<ScenarioState>(last.json, 'scenario history');
    });
  }

  getScenarioAlert(scenario: string): Promise<ScenarioAlertState | undefined> {
    return settle(() => read<ScenarioAlertState>(this.alerts, scenario));
  }

  setScenarioAlert(scenario: string, state: ScenarioAlertState): Promise<void> {
    return settle(() => void this.alerts.set(scenario, JSON.stringify(state)));
  }

  setIndicatorStatus(indicator: string, status: IndicatorStatus, at: number): Promise<void> {
    return settle(() => {
      checkTime(`indicator ${indicator}: at`, at);
      this.statuses.set(indicator, JSON.stringify({ status, at }));
    });
  }

  indicatorStatuses(): Promise<Record<string, { status: IndicatorStatus; at: number }>> {
    return settle(() => Object.fromEntries(readAll<{ status: IndicatorStatus; at: number }>(this.statuses)));
  }

  getHealth(source: string): Promise<SourceHealth | undefined> {
    return settle(() => read<SourceHealth>(this.health, source));
  }

  setHealth(health: SourceHealth): Promise<void> {
    return settle(() => void this.health.set(health.source, JSON.stringify(health)));
  }

  allHealth(): Promise<SourceHealth[]> {
    return settle(() => readAll<SourceHealth>(this.health).map(([, health]) => health));
  }

  getValidators(source: string): Promise<Validators | undefined> {
    return settle(() => read<Validators>(this.validators, source));
  }

  setValidators(source: string, validators: Validators): Promise<void> {
    return settle(() => void this.validators.set(source, JSON.stringify(validators)));
  }

  schedule(source: string, at: number): Promise<void> {
    return settle(() => {
      checkTime(`schedule ${source}: at`, at);
      this.due.set(source, at);
    });
  }

  postpone(source: string, at: number): Promise<void> {
    return settle(() => {
      checkTime(`postpone ${source}: at`, at);
      this.due.set(source, Math.max(at, this.due.get(source) ?? -Infinity));
    });
  }

  unschedule(source: string): Promise<void> {
    return settle(() => void this.due.delete(source));
  }

  private schedules(): Scored[] {
    return [...this.due].map(([member, score]) => ({ member, score })).sort(ascending);
  }

  dueSources(now: number, limit: number): Promise<string[]> {
    return settle(() => {
      checkBound('dueSources: now', now);
      return take(
        this.schedules().filter((s) => s.score <= now),
        limit,
      ).map((s) => s.member);
    });
  }

  dueSchedule(now: number, limit: number): Promise<{ source: string; at: number }[]> {
    return settle(() => {
      checkBound('dueSchedule: now', now);
      return take(
        this.schedules().filter((s) => s.score <= now),
        limit,
      ).map((s) => ({ source: s.member, at: s.score }));
    });
  }

  scheduled(): Promise<Record<string, number>> {
    return settle(() => Object.fromEntries(this.schedules().map((s) => [s.member, s.score])));
  }

  markStarted(now: number): Promise<boolean> {
    return settle(() => {
      checkTime('markStarted: now', now);
      if (this.sentinel !== undefined) return false;
      this.sentinel = now;
      return true;
    });
  }

  scheduleCheck(): Promise<{ sentinel: boolean; scheduled: number }> {
    return settle(() => ({ sentinel: this.sentinel !== undefined, scheduled: this.due.size }));
  }

  recoverLostData(sources: readonly string[], now: number): Promise<boolean> {
    return settle(() => {
      checkTime('recoverLostData: now', now);
      if (this.sentinel !== undefined) return false;
      this.sentinel = now;
      for (const source of sources) this.warming.add(source);
      return true;
    });
  }

  warmUp(source: string, keys: readonly string[], now: number): Promise<boolean> {
    return settle(() => {
      checkTime('warmUp: now', now);
      if (!this.warming.delete(source) && this.sentinel !== undefined) return false;
      for (const key of keys) {
        const last = this.seen.get(key);
        if (last === undefined || last < now) {
          this.seen.delete(key);
          this.seen.set(key, now);
        }
      }
      return true;
    });
  }

  getAlertGroup(key: string): Promise<AlertGroupRecord | undefined> {
    return settle(() => read<StoredGroup>(this.groups, key)?.group);
  }

  setAlertGroup(key: string, group: AlertGroupRecord, receiver: string): Promise<void> {
    return settle(() => {
      checkGroup(key, group);
      this.groups.set(key, JSON.stringify({ receiver, group } satisfies StoredGroup));
    });
  }

  updateAlertGroup(key: string, receiver: string, update: (group: AlertGroupRecord | undefined) => AlertGroupRecord | undefined): Promise<AlertGroupRecord | undefined> {
    return settle(() => {
      // One synchronous step: nothing can write the group in between.
      const next = update(read<StoredGroup>(this.groups, key)?.group);
      if (!next) return undefined;
      checkGroup(key, next);
      this.groups.set(key, JSON.stringify({ receiver, group: next } satisfies StoredGroup));
      return parseJson<AlertGroupRecord>(JSON.stringify(next), key);
    });
  }

  alertGroups(): Promise<{ key: string; receiver: string; group: AlertGroupRecord }[]> {
    return settle(() => readAll<StoredGroup>(this.groups).map(([key, { receiver, group }]) => ({ key, receiver, group })));
  }

  deleteAlertGroup(key: string): Promise<boolean> {
    return settle(() => this.groups.delete(key));
  }

  putAlerts(alerts: readonly Alert[]): Promise<number> {
    return settle(() => {
      checkAlerts(alerts);
      for (const a of alerts) this.alertRaised.set(a.id, Math.max(a.startsAt, this.alertRaised.get(a.id) ?? -Infinity));
      return setNew(this.alertRecords, alerts);
    });
  }

  getAlerts(ids: readonly string[]): Promise<Alert[]> {
    return settle(() => ids.flatMap((id) => read<Alert>(this.alertRecords, id) ?? []));
  }

  getSendLog(groupKey: string, receiver: string): Promise<SendLogRecord | undefined> {
    return settle(() => {
      const log = this.sendLogs.get(pairField(groupKey, receiver));
      return log && parseJson<SendLogRecord>(log.json, 'send-log');
    });
  }

  recordSend(groupKey: string, receiver: string, log: SendLogRecord, notificationId: string): Promise<boolean> {
    return settle(() => {
      if (log.lastSentAt !== undefined) checkTime(`recordSend ${notificationId}: lastSentAt`, log.lastSentAt);
      const field = pairField(receiver, notificationId);
      if (this.sent.has(field)) return false;
      const sent: SentRecord = { groupKey, lastSentAt: log.lastSentAt };
      this.sent.set(field, { json: JSON.stringify(sent), at: log.lastSentAt });
      const logField = pairField(groupKey, receiver);
      const previous = this.sendLogs.get(logField)?.at;
      // Dated by the latest send, as ZADD GT keeps it; a send without a time leaves the date as it was.
      const at = log.lastSentAt === undefined ? previous : Math.max(log.lastSentAt, previous ?? -Infinity);
      this.sendLogs.set(logField, { json: JSON.stringify(log), at });
      this.attempts.delete(field);
      return true;
    });
  }

  wasSent(notificationId: string, receiver: string): Promise<boolean> {
    return settle(() => this.sent.has(pairField(receiver, notificationId)));
  }

  /** The live claim on a send, if any; a lapsed one is dropped, as Redis expires it. */
  private liveClaim(field: string): { owner: string; expiresAt: number } | undefined {
    const claim = this.claims.get(field);
    if (claim && claim.expiresAt <= Date.now()) {
      this.claims.delete(field);
      return undefined;
    }
    return claim;
  }

  claimSend(notificationId: string, receiver: string, owner: string, ttlMs: number, now: number): Promise<ClaimResult> {
    return settle(() => {
      checkTtl(ttlMs);
      checkTime('claimSend: now', now);
      const field = pairField(receiver, notificationId);
      if (this.sent.has(field)) return 'sent';
      if (this.liveClaim(field)) return 'busy';
      const attempt = this.attempts.get(field);
      if (attempt) {
        const sent: SentRecord = { inDoubt: { at: now, owner: attempt.owner } };
        this.sent.set(field, { json: JSON.stringify(sent), at: now });
        this.attempts.delete(field);
        return 'in-doubt';
      }
      this.claims.set(field, { owner, expiresAt: Date.now() + ttlMs });
      this.attempts.set(field, { owner, at: now });
      return 'claimed';
    });
  }

  releaseSend(notificationId: string, receiver: string, owner: string): Promise<boolean> {
    return settle(() => {
      const field = pairField(receiver, notificationId);
      if (this.attempts.get(field)?.owner === owner) this.attempts.delete(field);
      return this.liveClaim(field)?.owner === owner && this.claims.delete(field);
    });
  }

  pruneAlerts(now: number, stoppedAt: StoppedAt = resolvedAt): Promise<AlertPrune> {
    return settle(() => {
      checkTime('pruneAlerts: now', now);
      const alertsBefore = now - this.retention.alertTtlMs;
      const sentBefore = now - this.retention.sentTtlMs;
      const out: AlertPrune = { groupAlerts: 0, groups: 0, alerts: 0, sent: 0, attempts: 0, sendLogs: 0, silences: 0 };
      const held = new Set<string>();
      for (const [key, json] of [...this.groups]) {
        const stored = parseJson<StoredGroup>(json, key);
        const kept = withoutStale(stored.group, alertsBefore, stoppedAt, (id) => this.alertRaised.get(id));
        if (kept) {
          out.groupAlerts += stored.group.alerts.length - kept.alerts.length;
          if (kept.alerts.length) this.groups.set(key, JSON.stringify({ ...stored, group: kept } satisfies StoredGroup));
          else if (this.groups.delete(key)) out.groups++;
        }
        for (const a of (kept ?? stored.group).alerts) held.add(a.id);
      }
      for (const [id, raised] of [...this.alertRaised]) {
        if (raised < alertsBefore && !held.has(id)) {
          this.alertRaised.delete(id);
          this.alertRecords.delete(id);
          out.alerts++;
        }
      }
      const old = (at: number | undefined): boolean => at !== undefined && at < sentBefore;
      for (const [field, { at }] of [...this.sent]) if (old(at) && this.sent.delete(field)) out.sent++;
      for (const [field, { at }] of [...this.attempts]) if (old(at) && this.attempts.delete(field)) out.attempts++;
      for (const [field, { at }] of [...this.sendLogs]) {
        const [groupKey] = JSON.parse(field) as [string, string];
        if (old(at) && !this.groups.has(groupKey) && this.sendLogs.delete(field)) out.sendLogs++;
      }
      for (const [id, json] of [...this.silenceRecords]) {
        if (parseJson<SilenceRecord>(json, 'silences').ends < alertsBefore && this.silenceRecords.delete(id)) out.silences++;
      }
      return out;
    });
  }

  addSilence(silence: SilenceRecord): Promise<boolean> {
    return settle(() => {
      checkSilence(silence);
      if (this.silenceRecords.has(silence.id)) return false;
      this.silenceRecords.set(silence.id, JSON.stringify(silence));
      return true;
    });
  }

  silences(): Promise<SilenceRecord[]> {
    return settle(() => [...this.silenceRecords.values()].map((json) => parseJson<SilenceRecord>(json, 'silences')).sort(bySilenceAge));
  }

  expireSilence(id: string, now: number): Promise<boolean> {
    return settle(() => {
      checkTime('expireSilence: now', now);
      const silence = read<SilenceRecord>(this.silenceRecords, id);
      if (!silence) return false;
      const expired = expiredSilence(silence, now);
      if (expired) this.silenceRecords.set(id, JSON.stringify(expired));
      return true;
    });
  }

  appendDigestAlerts(receiver: string, alerts: readonly Alert[]): Promise<number> {
    return settle(() => {
      checkAlerts(alerts);
      if (alerts.length === 0) return 0;
      const waiting = this.digests.get(receiver) ?? new Map<string, string>();
      this.digests.set(receiver, waiting);
      return setNew(waiting, alerts);
    });
  }

  takeDigestAlerts(receiver: string): Promise<Alert[]> {
    return settle(() => {
      const waiting = this.digests.get(receiver);
      this.digests.delete(receiver);
      return digestAlerts(waiting);
    });
  }

  peekDigestAlerts(receiver: string): Promise<Alert[]> {
    return settle(() => digestAlerts(this.digests.get(receiver)));
  }

  getDigestMark(receiver: string): Promise<DigestMark | undefined> {
    return settle(() => read<DigestMark>(this.digestMarks, receiver));
  }

  setDigestMark(receiver: string, mark: DigestMark): Promise<void> {
    return settle(() => {
      checkDigestMark(receiver, mark);
      this.digestMarks.set(receiver, JSON.stringify(mark));
    });
  }

  incrementCounters(counts: readonly CounterIncrement[], once?: CountOnce): Promise<void> {
    return settle(() => {
      // Checked whole before any is added, as the Redis script gets them all or none.
      const checked = checkCounts(counts);
      if (once && checked.length) {
        const until = this.counted.get(once.event);
        if (until !== undefined && until > Date.now()) return;
        if (this.counted.size >= 10_000) for (const [event, t] of this.counted) if (t <= Date.now()) this.counted.delete(event);
        this.counted.set(once.event, Date.now() + once.ttlMs);
      }
      for (const [field, by] of checked) this.counterValues.set(field, (this.counterValues.get(field) ?? 0) + by);
    });
  }

  counters(): Promise<CounterValue[]> {
    return settle(() => readCounters([...this.counterValues]));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Keep each alert under its id unless the id is there already (HSETNX); how many were new. */
function setNew(map: Map<string, string>, alerts: readonly Alert[]): number {
  let added = 0;
  for (const a of alerts) {
    if (map.has(a.id)) continue;
    map.set(a.id, JSON.stringify(a));
    added++;
  }
  return added;
}

function digestAlerts(waiting: Map<string, string> | undefined): Alert[] {
  return [...(waiting?.values() ?? [])].map((json) => parseJson<Alert>(json, 'digest alerts')).sort(byAlertStart);
}

function read<T>(map: Map<string, string>, field: string): T | undefined {
  const json = map.get(field);
  return json === undefined ? undefined : parseJson<T>(json, field);
}

/** Every field of a JSON map, sorted by field as RedisStore sorts them. */
function readAll<T>(map: Map<string, string>): [field: string, value: T][] {
  return [...map]
    .sort(([a], [b]) => compareCodePoints(a, b))
    .map(([field, json]) => [field, parseJson<T>(json, field)]);
}
