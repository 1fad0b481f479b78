import type { Evidence, IndicatorStatus, ScenarioAlertState, ScenarioState } from '../model/evidence.js';
import type { SourceHealth, Validators } from '../model/source-health.js';

// Everything Signpost keeps between polls, behind one interface with two implementations: RedisStore for
// the worker (shared by every process) and MemoryStore for backtests and tests of the pipeline. Every
// write is idempotent, so a job BullMQ runs twice changes nothing the second time. Times are epoch ms;
// times written must be finite (they are sorted-set scores), bounds read may be ±Infinity. Lists with equal
// times come in the order of their ids (by code point), the order Redis keeps, in both implementations.

/** A near-duplicate fingerprint remembered for clustering later items. */
export interface FingerprintEntry {
  cluster: string;
  fingerprint: string;
  at: number;
}

export interface Store {
  /**
   * Mark item keys as seen; per key, true when it was new. Atomic per key: two workers marking the same
   * key at once get exactly one true; a key repeated in one call is new at most once. A key is remembered
   * for `seenTtlMs` (longer than evidence) after it was last marked, so an item whose evidence was purged,
   * or that sits in a feed for months, never comes back as new.
   */
  markSeen(keys: readonly string[], now: number): Promise<boolean[]>;
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
  scheduled(): Promise<Record<string, number>>;

  /** Release what the store owns (RedisStore: its client, only when told it owns it). */
  close(): Promise<void>;
}
