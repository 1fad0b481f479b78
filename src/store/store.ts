import type { Alert } from '../model/alert.js';
import type { Evidence, FingerprintEntry, IndicatorStatus, ScenarioAlertState, ScenarioState } from '../model/evidence.js';
import type { SourceHealth, Validators } from '../model/source-health.js';
import type { PictureLog } from './picture-log.js';
import type { AlertGroupRecord, AlertPrune, ClaimResult, CounterIncrement, CounterValue, DigestMark, SendLogRecord, SilenceRecord, StoppedAt } from './records.js';

export type { CounterIncrement, CounterValue } from './records.js';

// Everything Signpost keeps between polls, behind one interface with two implementations: RedisStore for
// the worker (shared by every process) and MemoryStore for backtests and tests of the pipeline. Every
// write is idempotent, so a job BullMQ runs twice changes nothing the second time (a send claim aside: it
// is there to tell racing attempts apart, and a second attempt gets `busy`, `in-doubt` or `sent`;
// takeDigestAlerts hands each alert out once). Times are epoch ms; times written must be finite (they are sorted-set scores
// or JSON), bounds read may be ±Infinity. Lists with equal times come in the order of their ids (by code
// point), the order Redis keeps, in both implementations.

export type { FingerprintEntry } from '../model/evidence.js';

/**
 * Counting at the event, once: the counts of one event (a send recorded, a fetch done) are added by the first
 * call that names it; a retry that counts it again within `ttlMs` adds nothing.
 */
export interface CountOnce {
  event: string;
  ttlMs: number;
}

export interface Store {
  /**
   * Mark item keys as seen; per key, true when it was new. Atomic per key: two workers marking the same
   * key at once get exactly one true; a key repeated in one call is new at most once. A key is remembered
   * for `seenTtlMs` (longer than evidence) after it was last marked, so an item whose evidence was purged,
   * or that sits in a feed for months, never comes back as new.
   */
  markSeen(keys: readonly string[], now: number): Promise<boolean[]>;
  /**
   * Per key, whether it is in the seen-set now (marked within `seenTtlMs`), without marking anything. The
   * pipeline asks this first and marks last, so a run that dies in between is redone, not lost.
   */
  isSeen(keys: readonly string[], now: number): Promise<boolean[]>;
  /** Record evidence; returns how many ids were new (an id already present, or purged later, is left as it was). */
  addEvidence(evidence: readonly Evidence[]): Promise<number>;
  /** Evidence with publishedAt in [since, until], oldest first. */
  listEvidence(since: number, until?: number): Promise<Evidence[]>;
  /** Drop evidence published before `before`; returns how many. A purged id may be added again. */
  purgeEvidence(before: number): Promise<number>;

  /** One entry per (cluster, fingerprint), keeping its latest `at`; only the newest `fingerprintLimit` are kept. */
  addFingerprints(entries: readonly FingerprintEntry[]): Promise<void>;
  /** Fingerprints seen at or after `since`, newest first, at most `limit`. */
  recentFingerprints(since: number, limit: number): Promise<FingerprintEntry[]>;
  /** What each scoring step added, in order, so a worker holding the picture reads only what is new. */
  readonly pictureLog: PictureLog;

  /** One state per instant: a state at an `at` already held replaces it. Only the newest `historyLimit` are kept. */
  appendScenarioState(state: ScenarioState): Promise<void>;
  /** States at or after `since`, oldest first, at most the newest `limit`. */
  scenarioHistory(since: number, limit: number): Promise<ScenarioState[]>;
  latestScenarioState(): Promise<ScenarioState | undefined>;

  getScenarioAlert(scenario: string): Promise<ScenarioAlertState | undefined>;
  setScenarioAlert(scenario: string, state: ScenarioAlertState): Promise<void>;

  setIndicatorStatus(indicator: string, status: IndicatorStatus, at: number): Promise<void>;
  indicatorStatuses(): Promise<Record<string, { status: IndicatorStatus; at: number }>>;

  getHealth(source: string): Promise<SourceHealth | undefined>;
  setHealth(health: SourceHealth): Promise<void>;
  allHealth(): Promise<SourceHealth[]>;
  getValidators(source: string): Promise<Validators | undefined>;
  setValidators(source: string, validators: Validators): Promise<void>;

  /** The fetch schedule: when each source is next due. */
  schedule(source: string, at: number): Promise<void>;
  /**
   * Move a source's next check later only (Retry-After, backoff); never earlier than it is. A source not
   * scheduled is scheduled at `at`.
   */
  postpone(source: string, at: number): Promise<void>;
  unschedule(source: string): Promise<void>;
  /** Sources due at `now` (next check ≤ now), earliest first, at most `limit`. */
  dueSources(now: number, limit: number): Promise<string[]>;
  /** The same with each source's due time: sources due at `now` (next check ≤ now), earliest first, at most `limit`. */
  dueSchedule(now: number, limit: number): Promise<{ source: string; at: number }[]>;
  scheduled(): Promise<Record<string, number>>;

  // Redis losing its data while workers run (a restart without persistence, a flush, a failover to an
  // empty replica): the schedule goes, and with it all polling, and the seen-set, so old items would come
  // back as new. A sentinel, written when a worker starts, tells: its absence means the data is gone.

  /** Write the sentinel at `now` unless it is there; true when it was written (a store new to workers). */
  markStarted(now: number): Promise<boolean>;
  /** In one cheap step (each tick asks): whether the sentinel is there, and how many sources are scheduled. */
  scheduleCheck(): Promise<{ sentinel: boolean; scheduled: number }>;
  /**
   * After the data was lost: when the sentinel is missing, write it and mark each of `sources` to warm up
   * on its next poll, in one atomic step; true for the one caller that did (of workers racing, exactly one).
   */
  recoverLostData(sources: readonly string[], now: number): Promise<boolean>;
  /**
   * A poll of `source` brought `keys`: when the source is marked to warm up (the mark is dropped), or the
   * sentinel is missing (the data was lost under a fetch in flight, before a tick noticed), mark the keys
   * seen at `now`, in one atomic step, and answer true (the caller scores nothing); else false, and nothing
   * is written.
   */
  warmUp(source: string, keys: readonly string[], now: number): Promise<boolean>;

  // Alerts, their groups and what was sent about them. The record types mirror alerts/ (records.ts):
  // AlertGroupRecord is AlertGroup, SendLogRecord is SendLog, SilenceRecord is RuntimeSilence.

  /** The group under a group key, or undefined. */
  getAlertGroup(key: string): Promise<AlertGroupRecord | undefined>;
  /** Write a group (replacing what the key held) with the receiver its route sends it to. */
  setAlertGroup(key: string, group: AlertGroupRecord, receiver: string): Promise<void>;
  /**
   * Change a group by compare-and-set, so two jobs changing one group at once (a dispatch adding an alert, a
   * resolution) both land: `update` gets the group under `key` (undefined when there is none) and returns
   * what to write with `receiver`, or undefined to leave it as it is. If another writer changed the group
   * in between, `update` runs again on what is there now. Returns what was written, or undefined.
   */
  updateAlertGroup(key: string, receiver: string, update: (group: AlertGroupRecord | undefined) => AlertGroupRecord | undefined): Promise<AlertGroupRecord | undefined>;
  /** Every group with its key and receiver, by key. */
  alertGroups(): Promise<{ key: string; receiver: string; group: AlertGroupRecord }[]>;
  /**
   * Forget a group; true when there was one. Its send-log and recorded sends stay, so a retried delivery
   * still finds what went out, and a group that comes back soon is not announced as new.
   */
  deleteAlertGroup(key: string): Promise<boolean>;
  /**
   * Keep alerts by id; returns how many ids were new. First write wins: an id already present keeps its
   * first content (an alert id names what fired, so a rerun brings the same alert), as does an id
   * repeated within one call. Each put counts as the alert raised at its startsAt, the latest kept, which
   * pruneAlerts goes by.
   */
  putAlerts(alerts: readonly Alert[]): Promise<number>;
  /** The alerts of these ids, in the order asked; ids not kept are skipped. */
  getAlerts(ids: readonly string[]): Promise<Alert[]>;

  /** What went out last to `receiver` for a group, or undefined before the first recorded send. */
  getSendLog(groupKey: string, receiver: string): Promise<SendLogRecord | undefined>;
  /**
   * After a send succeeded: record notification `notificationId` as sent to `receiver` and write the
   * group's send-log, in one step, dropping the attempt claimSend started. Idempotent: false, and nothing
   * written, when that notification was recorded for that receiver already, in doubt or not (a notification
   * id belongs to one group). `log.lastSentAt` dates both records for pruneAlerts; without it they are kept.
   */
  recordSend(groupKey: string, receiver: string, log: SendLogRecord, notificationId: string): Promise<boolean>;
  /** Whether this notification is recorded as sent to this receiver (by recordSend, or in doubt by claimSend). */
  wasSent(notificationId: string, receiver: string): Promise<boolean>;
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

  /**
   * Forget what the alerts stage no longer needs, by age as of `now` (StoreOptions.alertTtlMs, sentTtlMs):
   * - from each group, the alerts that stopped firing before now − alertTtlMs (`stoppedAt` says when; by
   *   default a resolved alert's `at`, never while it fires) and were last raised (putAlerts) before it
   *   too, so one still raised (an ongoing source outage) is not announced anew; and the group when none is
   *   left;
   * - an alert last raised (putAlerts: its latest startsAt) before now − alertTtlMs that no group holds;
   * - a recorded send, in doubt or not, and a started attempt, written before now − sentTtlMs;
   * - a send-log whose last send was before now − sentTtlMs and whose group is gone;
   * - a runtime silence that ended (or was expired) before now − alertTtlMs, as Alertmanager forgets
   *   expired silences after its retention: `silence list` shows the recent past, not all of it.
   * What decides the next send (a group's firing alerts, their send-log) is never dropped. A group written by
   * another worker meanwhile is left for the next call. Returns how many of each went.
   */
  pruneAlerts(now: number, stoppedAt?: StoppedAt): Promise<AlertPrune>;

  /** Keep a runtime silence; true when new. Idempotent by id: an id already kept is left as it is. */
  addSilence(silence: SilenceRecord): Promise<boolean>;
  /** Every runtime silence, expired ones included, oldest created first (ties by id). */
  silences(): Promise<SilenceRecord[]>;
  /**
   * Expire a silence at `now`: an active one ends at `now`, a pending one starts and ends at `now` (so it
   * reads as expired, not pending), an expired one is left as it is. True when the silence is known (and
   * now expired), false when it is not.
   */
  expireSilence(id: string, now: number): Promise<boolean>;

  /**
   * Add alerts to `receiver`'s next digest, whole (a digest keeps what it needs itself); returns how many
   * were new. Deduplicated by id among the waiting alerts, first write wins; an alert taken by a digest
   * already counts as new again.
   */
  appendDigestAlerts(receiver: string, alerts: readonly Alert[]): Promise<number>;
  /**
   * The alerts waiting for `receiver`'s digest, by startsAt then id, cleared in the same atomic step:
   * of workers taking at once, each alert goes to exactly one.
   */
  takeDigestAlerts(receiver: string): Promise<Alert[]>;
  /** The alerts waiting for `receiver`'s digest, as takeDigestAlerts orders them, left waiting. */
  peekDigestAlerts(receiver: string): Promise<Alert[]>;
  /** Where `receiver`'s last digest left off, or undefined before its first. */
  getDigestMark(receiver: string): Promise<DigestMark | undefined>;
  setDigestMark(receiver: string, mark: DigestMark): Promise<void>;

  /**
   * Add to pipeline counters (the metrics the web role exposes), all in one step. One counter per name and
   * set of labels (their order does not matter); an integer `by` adds exactly, a fractional one as a float
   * (a counter may take both). A `by` that is not finite is an error, and nothing is added.
   */
  incrementCounters(counts: readonly CounterIncrement[], once?: CountOnce): Promise<void>;
  /** Every counter with its value, by name, then by its encoded labels (keys.ts counterField, by code point). */
  counters(): Promise<CounterValue[]>;

  /** Release what the store owns (RedisStore: its client, only when told it owns it). */
  close(): Promise<void>;
}
