// The store on Redis, shared by every worker process. Key names come from keys.ts; writes that must read
// first are Lua scripts (scripts.ts), writes that must go together are MULTI, and no hot path walks the
// keyspace: every read is a range on a sorted set or a field of a hash.
import type { Alert } from '../model/alert.js';
import type { Evidence, IndicatorStatus, ScenarioAlertState, ScenarioState } from '../model/evidence.js';
import type { SourceHealth, Validators } from '../model/source-health.js';
import { checkBound, checkTime, parseJson, StoreError } from './errors.js';
import { countedKey, digestAlertsKey, fingerprintMember, pairField, sendClaimKey, type StoreKeys, splitFingerprintMember, storeKeys } from './keys.js';
import type { CountOnce } from './store.js';
import { limitCount, type Retention, retention, type StoreOptions } from './options.js';
import { compareCodePoints } from './order.js';
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
  stoppedBefore,
  type StoredGroup,
  withoutStale,
} from './records.js';
import {
  ADD_EVIDENCE,
  CLAIM_SEND,
  COMPARE_AND_SET,
  INCREMENT_COUNTERS,
  MARK_SEEN,
  PURGE_ALERTS,
  PURGE_BY_TIME,
  PURGE_SEND_LOGS,
  PRUNE_GROUP,
  RECORD_SEND,
  RECOVER_LOST_DATA,
  type RedisClient,
  RELEASE_SEND,
  WARM_UP,
} from './scripts.js';
import { type PictureLog, RedisPictureLog } from './picture-log.js';
import type { FingerprintEntry, Store } from './store.js';

export interface RedisStoreOptions extends StoreOptions {
  /** Key prefix, hash-tagged (`signpost` becomes `{signpost}`). Default `{signpost}`. */
  prefix?: string;
  /** Close the client in close(). Default false: whoever made the client closes it. */
  ownsClient?: boolean;
  /** Most expired seen keys dropped per markSeen call, so a call after a long pause stays quick. Default 1000. */
  seenTrimBatch?: number;
}

/** Keys (or records) per script call: each call is atomic, so a huge batch must not hold Redis for long. */
const BATCH = 1000;

/** Tries of expireSilence's compare-and-set before it gives up: only a storm of writes to one silence loses them all. */
const CAS_TRIES = 16;

/**
 * Tries of updateAlertGroup's compare-and-set: a try lost is one another writer won, and every fetch job of
 * every worker may raise a source outage into one on-call group at once (a network outage fails them all).
 */
const GROUP_CAS_TRIES = 100;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A score as Redis writes it: a decimal, or `inf` / `-inf`. */
function parseScore(text: string | undefined): number {
  if (text === 'inf' || text === '+inf') return Infinity;
  if (text === '-inf') return -Infinity;
  return Number(text);
}

/** WITHSCORES replies, [member, score, member, score, ...], as pairs. */
function pairs(reply: string[]): [member: string, score: number][] {
  const out: [string, number][] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) out.push([reply[i] ?? '', parseScore(reply[i + 1])]);
  return out;
}

function failure(op: string, cause: unknown): StoreError {
  if (cause instanceof StoreError) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  return new StoreError(`${op} failed: ${message}`, { cause });
}

export class RedisStore implements Store {
  readonly keys: StoreKeys;
  readonly pictureLog: PictureLog;
  private readonly retention: Retention;
  private readonly ownsClient: boolean;
  private readonly seenTrimBatch: number;
  private closed = false;

  constructor(
    private readonly client: RedisClient,
    opts: RedisStoreOptions = {},
  ) {
    this.keys = storeKeys(opts.prefix);
    this.pictureLog = new RedisPictureLog(client, this.keys.pictureLog);
    this.retention = retention(opts);
    this.ownsClient = opts.ownsClient ?? false;
    this.seenTrimBatch = opts.seenTrimBatch ?? 1000;
    if (!(Number.isInteger(this.seenTrimBatch) && this.seenTrimBatch > 0)) {
      throw new StoreError(`seenTrimBatch must be a positive integer, got ${String(opts.seenTrimBatch)}`);
    }
  }

  /** Runs one operation; a Redis error comes out as a StoreError naming it, with the cause kept. */
  private async op<T>(name: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw failure(name, err);
    }
  }

  /** Runs a MULTI; an error inside the transaction fails the operation instead of hiding in the reply. */
  private async exec(multi: ReturnType<RedisClient['multi']>): Promise<unknown[]> {
    const replies = (await multi.exec()) ?? [];
    const failed = replies.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
    return replies.map(([, value]) => value);
  }

  markSeen(keys: readonly string[], now: number): Promise<boolean[]> {
    return this.op('markSeen', async () => {
      checkTime('markSeen: now', now);
      const cutoff = now - this.retention.seenTtlMs;
      const out: boolean[] = [];
      for (const batch of chunks(keys, BATCH)) {
        const reply = (await MARK_SEEN.run(this.client, [this.keys.seen], [now, cutoff, this.seenTrimBatch, ...batch])) as number[];
        for (const isNew of reply) out.push(isNew === 1);
      }
      return out;
    });
  }

  isSeen(keys: readonly string[], now: number): Promise<boolean[]> {
    return this.op('isSeen', async () => {
      checkTime('isSeen: now', now);
      const cutoff = now - this.retention.seenTtlMs;
      const out: boolean[] = [];
      for (const batch of chunks(keys, BATCH)) {
        if (batch.length === 0) continue;
        const scores = (await this.client.zmscore(this.keys.seen, ...batch));
        for (const score of scores) out.push(score !== null && Number(score) >= cutoff);
      }
      return out;
    });
  }

  addEvidence(evidence: readonly Evidence[]): Promise<number> {
    return this.op('addEvidence', async () => {
      for (const e of evidence) checkTime(`evidence ${e.id}: publishedAt`, e.publishedAt);
      let added = 0;
      for (const batch of chunks(evidence, BATCH)) {
        const args = batch.flatMap((e) => [e.id, e.publishedAt, JSON.stringify(e)]);
        added += (await ADD_EVIDENCE.run(this.client, [this.keys.evidence, this.keys.evidenceByTime], args)) as number;
      }
      return added;
    });
  }

  listEvidence(since: number, until?: number): Promise<Evidence[]> {
    return this.op('listEvidence', async () => {
      checkBound('listEvidence: since', since);
      if (until !== undefined) checkBound('listEvidence: until', until);
      const ids = await this.client.zrangebyscore(this.keys.evidenceByTime, since, until ?? '+inf');
      const out: Evidence[] = [];
      for (const batch of chunks(ids, BATCH)) {
        const records = await this.client.hmget(this.keys.evidence, ...batch);
        // An id without a record was purged between the two reads: it is gone, not broken.
        for (const json of records) if (json !== null) out.push(parseJson<Evidence>(json, this.keys.evidence));
      }
      return out;
    });
  }

  purgeEvidence(before: number): Promise<number> {
    return this.op('purgeEvidence', async () => {
      checkBound('purgeEvidence: before', before);
      return (await PURGE_BY_TIME.run(this.client, [this.keys.evidence, this.keys.evidenceByTime], [before])) as number;
    });
  }

  addFingerprints(entries: readonly FingerprintEntry[]): Promise<void> {
    return this.op('addFingerprints', async () => {
      if (entries.length === 0) return;
      const args: (string | number)[] = [];
      for (const e of entries) {
        checkTime(`fingerprint ${e.fingerprint}: at`, e.at);
        args.push(e.at, fingerprintMember(e.cluster, e.fingerprint));
      }
      // GT: a fingerprint seen again keeps its latest time; the oldest beyond the cap go.
      await this.exec(
        this.client
          .multi()
          .zadd(this.keys.fingerprints, 'GT', ...args)
          .zremrangebyrank(this.keys.fingerprints, 0, -(this.retention.fingerprintLimit + 1)),
      );
    });
  }

  recentFingerprints(since: number, limit: number): Promise<FingerprintEntry[]> {
    return this.op('recentFingerprints', async () => {
      checkBound('recentFingerprints: since', since);
      const count = limitCount(limit);
      if (count === 0) return [];
      const reply = await this.client.zrevrangebyscore(this.keys.fingerprints, '+inf', since, 'WITHSCORES', 'LIMIT', 0, count);
      return pairs(reply).map(([member, at]) => ({ ...splitFingerprintMember(member), at }));
    });
  }

  appendScenarioState(state: ScenarioState): Promise<void> {
    return this.op('appendScenarioState', async () => {
      checkTime('scenario state: at', state.at);
      const key = this.keys.scenarioHistory;
      // One picture per instant: a rerun at the same `at` replaces what an earlier run wrote.
      await this.exec(
        this.client
          .multi()
          .zremrangebyscore(key, state.at, state.at)
          .zadd(key, state.at, JSON.stringify(state))
          .zremrangebyrank(key, 0, -(this.retention.historyLimit + 1)),
      );
    });
  }

  scenarioHistory(since: number, limit: number): Promise<ScenarioState[]> {
    return this.op('scenarioHistory', async () => {
      checkBound('scenarioHistory: since', since);
      const count = limitCount(limit);
      if (count === 0) return [];
      const newest = await this.client.zrevrangebyscore(this.keys.scenarioHistory, '+inf', since, 'LIMIT', 0, count);
      return newest.reverse().map((json) => parseJson<ScenarioState>(json, this.keys.scenarioHistory));
    });
  }

  latestScenarioState(): Promise<ScenarioState | undefined> {
    return this.op('latestScenarioState', async () => {
      const [json] = await this.client.zrange(this.keys.scenarioHistory, -1, -1);
      return json === undefined ? undefined : parseJson<ScenarioState>(json, this.keys.scenarioHistory);
    });
  }

  private async getJson<T>(key: string, field: string): Promise<T | undefined> {
    const json = await this.client.hget(key, field);
    return json === null ? undefined : parseJson<T>(json, `${key} ${field}`);
  }

  private async allJson<T>(key: string): Promise<[field: string, value: T][]> {
    const all = await this.client.hgetall(key);
    return Object.entries(all).map(([field, json]) => [field, parseJson<T>(json, `${key} ${field}`)]);
  }

  getScenarioAlert(scenario: string): Promise<ScenarioAlertState | undefined> {
    return this.op('getScenarioAlert', () => this.getJson<ScenarioAlertState>(this.keys.scenarioAlert, scenario));
  }

  setScenarioAlert(scenario: string, state: ScenarioAlertState): Promise<void> {
    return this.op('setScenarioAlert', async () => {
      await this.client.hset(this.keys.scenarioAlert, scenario, JSON.stringify(state));
    });
  }

  setIndicatorStatus(indicator: string, status: IndicatorStatus, at: number): Promise<void> {
    return this.op('setIndicatorStatus', async () => {
      checkTime(`indicator ${indicator}: at`, at);
      await this.client.hset(this.keys.indicatorStatus, indicator, JSON.stringify({ status, at }));
    });
  }

  indicatorStatuses(): Promise<Record<string, { status: IndicatorStatus; at: number }>> {
    return this.op('indicatorStatuses', async () => {
      const all = await this.allJson<{ status: IndicatorStatus; at: number }>(this.keys.indicatorStatus);
      return Object.fromEntries(all.sort(([a], [b]) => compareCodePoints(a, b)));
    });
  }

  getHealth(source: string): Promise<SourceHealth | undefined> {
    return this.op('getHealth', () => this.getJson<SourceHealth>(this.keys.health, source));
  }

  setHealth(health: SourceHealth): Promise<void> {
    return this.op('setHealth', async () => {
      await this.client.hset(this.keys.health, health.source, JSON.stringify(health));
    });
  }

  allHealth(): Promise<SourceHealth[]> {
    return this.op('allHealth', async () => {
      const all = await this.allJson<SourceHealth>(this.keys.health);
      return all.sort(([a], [b]) => compareCodePoints(a, b)).map(([, health]) => health);
    });
  }

  getValidators(source: string): Promise<Validators | undefined> {
    return this.op('getValidators', () => this.getJson<Validators>(this.keys.validators, source));
  }

  setValidators(source: string, validators: Validators): Promise<void> {
    return this.op('setValidators', async () => {
      await this.client.hset(this.keys.validators, source, JSON.stringify(validators));
    });
  }

  schedule(source: string, at: number): Promise<void> {
    return this.op('schedule', async () => {
      checkTime(`schedule ${source}: at`, at);
      await this.client.zadd(this.keys.schedule, at, source);
    });
  }

  postpone(source: string, at: number): Promise<void> {
    return this.op('postpone', async () => {
      checkTime(`postpone ${source}: at`, at);
      await this.client.zadd(this.keys.schedule, 'GT', at, source);
    });
  }

  unschedule(source: string): Promise<void> {
    return this.op('unschedule', async () => {
      await this.client.zrem(this.keys.schedule, source);
    });
  }

  dueSources(now: number, limit: number): Promise<string[]> {
    return this.op('dueSources', async () => {
      checkBound('dueSources: now', now);
      const count = limitCount(limit);
      if (count === 0) return [];
      return this.client.zrangebyscore(this.keys.schedule, '-inf', now, 'LIMIT', 0, count);
    });
  }

  dueSchedule(now: number, limit: number): Promise<{ source: string; at: number }[]> {
    return this.op('dueSchedule', async () => {
      checkBound('dueSchedule: now', now);
      const count = limitCount(limit);
      if (count === 0) return [];
      const found = pairs(await this.client.zrangebyscore(this.keys.schedule, '-inf', now, 'WITHSCORES', 'LIMIT', 0, count));
      return found.map(([source, at]) => ({ source, at }));
    });
  }

  scheduled(): Promise<Record<string, number>> {
    return this.op('scheduled', async () => Object.fromEntries(pairs(await this.client.zrange(this.keys.schedule, 0, -1, 'WITHSCORES'))));
  }

  markStarted(now: number): Promise<boolean> {
    return this.op('markStarted', async () => {
      checkTime('markStarted: now', now);
      return (await this.client.set(this.keys.sentinel, String(now), 'NX')) === 'OK';
    });
  }

  scheduleCheck(): Promise<{ sentinel: boolean; scheduled: number }> {
    return this.op('scheduleCheck', async () => {
      const [sentinel, scheduled] = (await this.exec(this.client.multi().exists(this.keys.sentinel).zcard(this.keys.schedule))) as [number, number];
      return { sentinel: sentinel === 1, scheduled };
    });
  }

  recoverLostData(sources: readonly string[], now: number): Promise<boolean> {
    return this.op('recoverLostData', async () => {
      checkTime('recoverLostData: now', now);
      return (await RECOVER_LOST_DATA.run(this.client, [this.keys.sentinel, this.keys.warmUp], [now, ...sources])) === 1;
    });
  }

  warmUp(source: string, keys: readonly string[], now: number): Promise<boolean> {
    return this.op('warmUp', async () => {
      checkTime('warmUp: now', now);
      return (await WARM_UP.run(this.client, [this.keys.warmUp, this.keys.seen, this.keys.sentinel], [source, now, ...keys])) === 1;
    });
  }

  getAlertGroup(key: string): Promise<AlertGroupRecord | undefined> {
    return this.op('getAlertGroup', async () => (await this.getJson<StoredGroup>(this.keys.alertGroups, key))?.group);
  }

  setAlertGroup(key: string, group: AlertGroupRecord, receiver: string): Promise<void> {
    return this.op('setAlertGroup', async () => {
      checkGroup(key, group);
      await this.client.hset(this.keys.alertGroups, key, JSON.stringify({ receiver, group } satisfies StoredGroup));
    });
  }

  updateAlertGroup(key: string, receiver: string, update: (group: AlertGroupRecord | undefined) => AlertGroupRecord | undefined): Promise<AlertGroupRecord | undefined> {
    return this.op('updateAlertGroup', async () => {
      for (let i = 0; i < GROUP_CAS_TRIES; i++) {
        const json = await this.client.hget(this.keys.alertGroups, key);
        const next = update(json === null ? undefined : parseJson<StoredGroup>(json, `${this.keys.alertGroups} ${key}`).group);
        if (!next) return undefined;
        checkGroup(key, next);
        const written = JSON.stringify({ receiver, group: next } satisfies StoredGroup);
        if ((await COMPARE_AND_SET.run(this.client, [this.keys.alertGroups], [key, json ?? '', written])) === 1) return parseJson<StoredGroup>(written, key).group;
      }
      throw new StoreError(`alert group ${key} kept changing under ${GROUP_CAS_TRIES} tries to update it`);
    });
  }

  alertGroups(): Promise<{ key: string; receiver: string; group: AlertGroupRecord }[]> {
    return this.op('alertGroups', async () => {
      const all = await this.allJson<StoredGroup>(this.keys.alertGroups);
      return all.sort(([a], [b]) => compareCodePoints(a, b)).map(([key, { receiver, group }]) => ({ key, receiver, group }));
    });
  }

  deleteAlertGroup(key: string): Promise<boolean> {
    return this.op('deleteAlertGroup', async () => (await this.client.hdel(this.keys.alertGroups, key)) === 1);
  }

  putAlerts(alerts: readonly Alert[]): Promise<number> {
    return this.op('putAlerts', () => {
      checkAlerts(alerts);
      return this.setNew(this.keys.alerts, alerts, this.keys.alertsByTime);
    });
  }

  /**
   * HSETNX each alert under its id, in MULTIs of BATCH; how many were new. With `byTime`, each alert's
   * startsAt also goes there, the latest kept (GT), new or not.
   */
  private async setNew(key: string, alerts: readonly Alert[], byTime?: string): Promise<number> {
    let added = 0;
    for (const batch of chunks(alerts, BATCH)) {
      const multi = this.client.multi();
      for (const a of batch) multi.hsetnx(key, a.id, JSON.stringify(a));
      if (byTime && batch.length) multi.zadd(byTime, 'GT', ...batch.flatMap((a) => [a.startsAt, a.id]));
      const replies = await this.exec(multi);
      for (const reply of replies.slice(0, batch.length)) if (reply === 1) added++;
    }
    return added;
  }

  getAlerts(ids: readonly string[]): Promise<Alert[]> {
    return this.op('getAlerts', async () => {
      const out: Alert[] = [];
      for (const batch of chunks(ids, BATCH)) {
        const records = await this.client.hmget(this.keys.alerts, ...batch);
        for (const json of records) if (json !== null) out.push(parseJson<Alert>(json, this.keys.alerts));
      }
      return out;
    });
  }

  getSendLog(groupKey: string, receiver: string): Promise<SendLogRecord | undefined> {
    return this.op('getSendLog', () => this.getJson<SendLogRecord>(this.keys.sendLog, pairField(groupKey, receiver)));
  }

  recordSend(groupKey: string, receiver: string, log: SendLogRecord, notificationId: string): Promise<boolean> {
    return this.op('recordSend', async () => {
      if (log.lastSentAt !== undefined) checkTime(`recordSend ${notificationId}: lastSentAt`, log.lastSentAt);
      const sent: SentRecord = { groupKey, lastSentAt: log.lastSentAt };
      const k = this.keys;
      const reply = await RECORD_SEND.run(
        this.client,
        [k.sent, k.sendLog, k.sentByTime, k.sendLogByTime, k.attempts, k.attemptsByTime],
        [pairField(receiver, notificationId), JSON.stringify(sent), pairField(groupKey, receiver), JSON.stringify(log), log.lastSentAt ?? ''],
      );
      return reply === 1;
    });
  }

  wasSent(notificationId: string, receiver: string): Promise<boolean> {
    return this.op('wasSent', async () => (await this.client.hexists(this.keys.sent, pairField(receiver, notificationId))) === 1);
  }

  claimSend(notificationId: string, receiver: string, owner: string, ttlMs: number, now: number): Promise<ClaimResult> {
    return this.op('claimSend', async () => {
      checkTtl(ttlMs);
      checkTime('claimSend: now', now);
      const k = this.keys;
      const keys = [k.sent, sendClaimKey(k, receiver, notificationId), k.attempts, k.attemptsByTime, k.sentByTime];
      return (await CLAIM_SEND.run(this.client, keys, [pairField(receiver, notificationId), owner, ttlMs, now])) as ClaimResult;
    });
  }

  releaseSend(notificationId: string, receiver: string, owner: string): Promise<boolean> {
    return this.op('releaseSend', async () => {
      const keys = [sendClaimKey(this.keys, receiver, notificationId), this.keys.attempts, this.keys.attemptsByTime];
      return (await RELEASE_SEND.run(this.client, keys, [owner, pairField(receiver, notificationId)])) === 1;
    });
  }

  pruneAlerts(now: number, stoppedAt: StoppedAt = resolvedAt): Promise<AlertPrune> {
    return this.op('pruneAlerts', async () => {
      checkTime('pruneAlerts: now', now);
      const k = this.keys;
      const alertsBefore = now - this.retention.alertTtlMs;
      const sentBefore = now - this.retention.sentTtlMs;
      const out: AlertPrune = { groupAlerts: 0, groups: 0, alerts: 0, sent: 0, attempts: 0, sendLogs: 0, silences: 0 };
      // Groups first, each by compare-and-set on the JSON read, so an alert a dispatch adds (or raises
      // again) meanwhile is never lost: a group written in between is left as it is, for the next prune.
      for (const [key, json] of Object.entries(await this.client.hgetall(k.alertGroups))) {
        const stored = parseJson<StoredGroup>(json, `${k.alertGroups} ${key}`);
        const stopped = stoppedBefore(stored.group, alertsBefore, stoppedAt);
        if (!stopped.length) continue;
        const scores = await this.client.zmscore(k.alertsByTime, ...stopped);
        const raised = new Map(stopped.map((id, i) => [id, scores[i]]));
        const kept = withoutStale(stored.group, alertsBefore, stoppedAt, (id) => {
          const score = raised.get(id);
          return typeof score === 'string' ? Number(score) : undefined;
        });
        if (!kept) continue;
        const forgotten = stored.group.alerts.filter((a) => !kept.alerts.includes(a)).map((a) => a.id);
        const next = kept.alerts.length ? JSON.stringify({ ...stored, group: kept } satisfies StoredGroup) : '';
        if ((await PRUNE_GROUP.run(this.client, [k.alertGroups, k.alertsByTime], [key, json, next, alertsBefore, ...forgotten])) !== 1) continue;
        out.groupAlerts += stored.group.alerts.length - kept.alerts.length;
        if (!kept.alerts.length) out.groups++;
      }
      out.alerts = (await PURGE_ALERTS.run(this.client, [k.alerts, k.alertsByTime, k.alertGroups], [alertsBefore])) as number;
      out.sent = (await PURGE_BY_TIME.run(this.client, [k.sent, k.sentByTime], [sentBefore])) as number;
      out.attempts = (await PURGE_BY_TIME.run(this.client, [k.attempts, k.attemptsByTime], [sentBefore])) as number;
      out.sendLogs = (await PURGE_SEND_LOGS.run(this.client, [k.sendLog, k.sendLogByTime, k.alertGroups], [sentBefore])) as number;
      // Silences are few (people add them by hand), so reading them all is cheap. Each goes only as read:
      // one expired again meanwhile is left for the next prune.
      for (const [id, json] of Object.entries(await this.client.hgetall(k.silences))) {
        if (parseJson<SilenceRecord>(json, `${k.silences} ${id}`).ends >= alertsBefore) continue;
        out.silences += (await COMPARE_AND_SET.run(this.client, [k.silences], [id, json, ''])) as number;
      }
      return out;
    });
  }

  addSilence(silence: SilenceRecord): Promise<boolean> {
    return this.op('addSilence', async () => {
      checkSilence(silence);
      return (await this.client.hsetnx(this.keys.silences, silence.id, JSON.stringify(silence))) === 1;
    });
  }

  silences(): Promise<SilenceRecord[]> {
    return this.op('silences', async () => (await this.allJson<SilenceRecord>(this.keys.silences)).map(([, s]) => s).sort(bySilenceAge));
  }

  expireSilence(id: string, now: number): Promise<boolean> {
    return this.op('expireSilence', async () => {
      checkTime('expireSilence: now', now);
      // Compare-and-set on the JSON read: the change is computed here (as MemoryStore computes it), and
      // written only if nobody wrote the silence in between; else read again.
      for (let i = 0; i < CAS_TRIES; i++) {
        const json = await this.client.hget(this.keys.silences, id);
        if (json === null) return false;
        const expired = expiredSilence(parseJson<SilenceRecord>(json, `${this.keys.silences} ${id}`), now);
        if (!expired) return true;
        if ((await COMPARE_AND_SET.run(this.client, [this.keys.silences], [id, json, JSON.stringify(expired)])) === 1) return true;
      }
      throw new StoreError(`silence ${id} kept changing under ${CAS_TRIES} tries to expire it`);
    });
  }

  appendDigestAlerts(receiver: string, alerts: readonly Alert[]): Promise<number> {
    return this.op('appendDigestAlerts', () => {
      checkAlerts(alerts);
      return this.setNew(digestAlertsKey(this.keys, receiver), alerts);
    });
  }

  takeDigestAlerts(receiver: string): Promise<Alert[]> {
    return this.op('takeDigestAlerts', async () => {
      const key = digestAlertsKey(this.keys, receiver);
      // Read and delete in one MULTI: a worker taking at the same time finds the key gone.
      const [all] = await this.exec(this.client.multi().hgetall(key).del(key));
      return digestAlerts(all as Record<string, string>, key);
    });
  }

  peekDigestAlerts(receiver: string): Promise<Alert[]> {
    return this.op('peekDigestAlerts', async () => {
      const key = digestAlertsKey(this.keys, receiver);
      return digestAlerts(await this.client.hgetall(key), key);
    });
  }

  getDigestMark(receiver: string): Promise<DigestMark | undefined> {
    return this.op('getDigestMark', () => this.getJson<DigestMark>(this.keys.digestMarks, receiver));
  }

  setDigestMark(receiver: string, mark: DigestMark): Promise<void> {
    return this.op('setDigestMark', async () => {
      checkDigestMark(receiver, mark);
      await this.client.hset(this.keys.digestMarks, receiver, JSON.stringify(mark));
    });
  }

  incrementCounters(counts: readonly CounterIncrement[], once?: CountOnce): Promise<void> {
    return this.op('incrementCounters', async () => {
      const args = checkCounts(counts).flatMap(([field, by]) => [field, String(by)]);
      if (!args.length) return;
      const keys = once ? [this.keys.counters, countedKey(this.keys, once.event)] : [this.keys.counters];
      await INCREMENT_COUNTERS.run(this.client, keys, [String(Math.max(1, Math.round(once?.ttlMs ?? 1))), ...args]);
    });
  }

  counters(): Promise<CounterValue[]> {
    return this.op('counters', async () => {
      const all = await this.client.hgetall(this.keys.counters);
      return readCounters(Object.entries(all).map(([field, value]) => [field, Number(value)]));
    });
  }

  /** Quits the client if this store owns it (once); otherwise leaves it to its owner. */
  async close(): Promise<void> {
    if (!this.ownsClient || this.closed) return;
    this.closed = true;
    await this.client.quit();
  }
}

function digestAlerts(all: Record<string, string>, key: string): Alert[] {
  return Object.values(all)
    .map((json) => parseJson<Alert>(json, key))
    .sort(byAlertStart);
}
