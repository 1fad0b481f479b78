// Store: everything Signpost keeps between polls, one interface made of the concerns that keep it, each in
// its own module with its Redis implementation and, where a caller needs one, its in-memory twin.
import type { AlertLogStore } from './alert-log.js';
import type { CounterStore } from './counter-store.js';
import type { DigestStore } from './digests.js';
import type { EvidenceStore } from './evidence.js';
import type { PictureLog } from './picture-log.js';
import type { PictureStore } from './picture.js';
import type { AlertPrune, StoppedAt } from './records.js';
import type { SeenStore } from './seen.js';
import type { SendLogStore } from './send-log.js';
import type { SilenceStore } from './silences.js';
import type { SourceStore } from './source-state.js';

export type { CounterIncrement, CounterValue } from './records.js';
export type { CountOnce } from './counter-store.js';
export type { FingerprintEntry } from '../model/evidence.js';

// Two implementations: RedisStore for the worker (shared by every process) and MemoryStore for backtests and
// tests of the pipeline. Every write is idempotent, so a job BullMQ runs twice changes nothing the second
// time (a send claim aside: it is there to tell racing attempts apart, and a second attempt gets `busy`,
// `in-doubt` or `sent`; takeDigestAlerts hands each alert out once). Times are epoch ms; times written must
// be finite (they are sorted-set scores or JSON), bounds read may be ±Infinity. Lists with equal times come
// in the order of their ids (by code point), the order Redis keeps, in both implementations.
//
// The record types mirror alerts/ (records.ts): AlertGroupRecord is AlertGroup, SendLogRecord is SendLog,
// SilenceRecord is RuntimeSilence.

export interface Store
  extends
    SeenStore,
    EvidenceStore,
    PictureStore,
    SourceStore,
    AlertLogStore,
    SendLogStore,
    SilenceStore,
    DigestStore,
    CounterStore {
  /** What each scoring step added, in order, so a worker holding the picture reads only what is new. */
  readonly pictureLog: PictureLog;

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

  /** Release what the store owns (RedisStore: its client, only when told it owns it). */
  close(): Promise<void>;
}
