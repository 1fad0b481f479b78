// The send log: what went out to each receiver for each group, the notifications recorded as sent (in
// doubt or not), the claims and started attempts around each send; and its retention (sentTtlMs).
import { checkTime, parseJson } from './errors.js';
import { pairField, sendClaimKey, type StoreKeys } from './keys.js';
import { settle } from './memory-base.js';
import type { Retention } from './options.js';
import { checkTtl, type AlertPrune, type ClaimResult, type SendLogRecord, type SentRecord } from './records.js';
import { chunks, getJson, op } from './redis-base.js';
import { PURGE_BY_TIME, type RedisClient } from './scripts.js';
import { CLAIM_SEND, PURGE_SEND_LOGS, RECORD_SEND, RELEASE_SEND } from './send-scripts.js';

export interface SendLogStore {
  /** What went out last to `receiver` for a group, or undefined before the first recorded send. */
  getSendLog(groupKey: string, receiver: string): Promise<SendLogRecord | undefined>;
  /** getSendLog of each (group key, receiver), in their order, in one read: what a tick decides on. */
  getSendLogs(refs: readonly { key: string; receiver: string }[]): Promise<(SendLogRecord | undefined)[]>;
  /**
   * After a send succeeded: record notification `notificationId` as sent to `receiver` and write the
   * group's send-log, in one step, dropping the attempt claimSend started. Idempotent: false, and nothing
   * written, when that notification was recorded for that receiver already, in doubt or not (a notification
   * id belongs to one group). `log.lastSentAt` dates both records for pruneAlerts; without it they are kept.
   */
  recordSend(groupKey: string, receiver: string, log: SendLogRecord, notificationId: string): Promise<boolean>;
  /**
   * Before a send (DESIGN.md: the send-log is written around each send, so a retried job never resends),
   * at most once:
   * - `sent` when it is recorded already (skip it);
   * - else `busy` when a claim is live, whoever holds it, the same owner included (retry later);
   * - else `in-doubt` when an attempt was started (claimed) and neither recorded nor released: its sender
   *   died during the send or right after it, so the message may have gone. It is recorded as sent, in
   *   doubt, at `now` (the attempt is dropped), and not sent again; the caller says so to on-call;
   * - else `claimed`: this owner holds the claim for `ttlMs` (a positive integer), and an attempt is
   *   recorded as started at `now` and kept beyond the claim. The owner sends, then calls recordSend; if the
   *   send failed, releaseSend, and a retry sends again.
   * Atomic across workers: of many racing for a notification, one gets `claimed` (or `in-doubt`). Owners
   * should be unique per attempt (job id and attempt), and `ttlMs` longer than a send may take.
   */
  claimSend(notificationId: string, receiver: string, owner: string, ttlMs: number, now: number): Promise<ClaimResult>;
  /**
   * After a send failed: drop the attempt `owner` started, so a retry sends again, and its claim if it still
   * holds it (a lapsed or foreign claim, or another owner's attempt, is left alone); true when it dropped a
   * claim.
   */
  releaseSend(notificationId: string, receiver: string, owner: string): Promise<boolean>;
}

/** What pruning the send log dropped. */
export type SendLogPrune = Pick<AlertPrune, 'sent' | 'attempts' | 'sendLogs'>;

export class RedisSendLog implements SendLogStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: StoreKeys,
    private readonly retention: Retention,
  ) {}

  getSendLog(groupKey: string, receiver: string): Promise<SendLogRecord | undefined> {
    return op('getSendLog', () =>
      getJson<SendLogRecord>(this.client, this.keys.sendLog, pairField(groupKey, receiver)),
    );
  }

  getSendLogs(refs: readonly { key: string; receiver: string }[]): Promise<(SendLogRecord | undefined)[]> {
    return op('getSendLogs', async () => {
      const out: (SendLogRecord | undefined)[] = [];
      for (const batch of chunks(refs)) {
        const fields = batch.map((r) => pairField(r.key, r.receiver));
        const records = await this.client.hmget(this.keys.sendLog, ...fields);
        records.forEach((json, i) =>
          out.push(json === null ? undefined : parseJson<SendLogRecord>(json, `${this.keys.sendLog} ${fields[i]!}`)),
        );
      }
      return out;
    });
  }

  recordSend(groupKey: string, receiver: string, log: SendLogRecord, notificationId: string): Promise<boolean> {
    return op('recordSend', async () => {
      if (log.lastSentAt !== undefined) checkTime(`recordSend ${notificationId}: lastSentAt`, log.lastSentAt);
      const sent: SentRecord = { groupKey, lastSentAt: log.lastSentAt };
      const k = this.keys;
      const reply = await RECORD_SEND.run(
        this.client,
        [k.sent, k.sendLog, k.sentByTime, k.sendLogByTime, k.attempts, k.attemptsByTime],
        [
          pairField(receiver, notificationId),
          JSON.stringify(sent),
          pairField(groupKey, receiver),
          JSON.stringify(log),
          log.lastSentAt ?? '',
        ],
      );
      return reply === 1;
    });
  }

  claimSend(notificationId: string, receiver: string, owner: string, ttlMs: number, now: number): Promise<ClaimResult> {
    return op('claimSend', async () => {
      checkTtl(ttlMs);
      checkTime('claimSend: now', now);
      const k = this.keys;
      const keys = [k.sent, sendClaimKey(k, receiver, notificationId), k.attempts, k.attemptsByTime, k.sentByTime];
      return (await CLAIM_SEND.run(this.client, keys, [
        pairField(receiver, notificationId),
        owner,
        ttlMs,
        now,
      ])) as ClaimResult;
    });
  }

  releaseSend(notificationId: string, receiver: string, owner: string): Promise<boolean> {
    return op('releaseSend', async () => {
      const keys = [sendClaimKey(this.keys, receiver, notificationId), this.keys.attempts, this.keys.attemptsByTime];
      return (await RELEASE_SEND.run(this.client, keys, [owner, pairField(receiver, notificationId)])) === 1;
    });
  }

  /**
   * Forget, as of `now`, a recorded send (in doubt or not) and a started attempt written before
   * now − sentTtlMs, and a send-log whose last send was before then and whose group is gone (prune the
   * alert log first).
   */
  async prune(now: number): Promise<SendLogPrune> {
    checkTime('pruneAlerts: now', now);
    const k = this.keys;
    const before = now - this.retention.sentTtlMs;
    return {
      sent: (await PURGE_BY_TIME.run(this.client, [k.sent, k.sentByTime], [before])) as number,
      attempts: (await PURGE_BY_TIME.run(this.client, [k.attempts, k.attemptsByTime], [before])) as number,
      sendLogs: (await PURGE_SEND_LOGS.run(
        this.client,
        [k.sendLog, k.sendLogByTime, k.alertGroups],
        [before],
      )) as number,
    };
  }
}

export class MemorySendLog implements SendLogStore {
  /** pairField(group key, receiver) → SendLog JSON, and its latest lastSentAt (undefined: never pruned). */
  private readonly sendLogs = new Map<string, { json: string; at: number | undefined }>();
  /** pairField(receiver, notification id) → SentRecord JSON, and when it was recorded (undefined: never pruned). */
  private readonly sent = new Map<string, { json: string; at: number | undefined }>();
  /** pairField(receiver, notification id) → the claim; lapsed ones are dropped when next looked at. */
  private readonly claims = new Map<string, { owner: string; expiresAt: number }>();
  /** pairField(receiver, notification id) → a send started and neither recorded nor released. */
  private readonly attempts = new Map<string, { owner: string; at: number }>();

  /** `hasGroup`: whether the alert log keeps a group, which keeps its send-logs. */
  constructor(
    private readonly retention: Retention,
    private readonly hasGroup: (key: string) => boolean,
  ) {}

  async getSendLog(groupKey: string, receiver: string): Promise<SendLogRecord | undefined> {
    return (await this.getSendLogs([{ key: groupKey, receiver }]))[0];
  }

  getSendLogs(refs: readonly { key: string; receiver: string }[]): Promise<(SendLogRecord | undefined)[]> {
    return settle(() =>
      refs.map(({ key, receiver }) => {
        const log = this.sendLogs.get(pairField(key, receiver));
        return log && parseJson<SendLogRecord>(log.json, 'send-log');
      }),
    );
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

  /** As RedisSendLog.prune. */
  prune(now: number): Promise<SendLogPrune> {
    return settle(() => {
      checkTime('pruneAlerts: now', now);
      const before = now - this.retention.sentTtlMs;
      const out: SendLogPrune = { sent: 0, attempts: 0, sendLogs: 0 };
      const old = (at: number | undefined): boolean => at !== undefined && at < before;
      for (const [field, { at }] of [...this.sent]) if (old(at) && this.sent.delete(field)) out.sent++;
      for (const [field, { at }] of [...this.attempts]) if (old(at) && this.attempts.delete(field)) out.attempts++;
      for (const [field, { at }] of [...this.sendLogs]) {
        const [groupKey] = JSON.parse(field) as [string, string];
        if (old(at) && !this.hasGroup(groupKey) && this.sendLogs.delete(field)) out.sendLogs++;
      }
      return out;
    });
  }
}
