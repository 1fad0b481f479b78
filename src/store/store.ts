import type { Evidence, IndicatorStatus, ScenarioAlertState, ScenarioState } from '../model/evidence.js';
import type { SourceHealth, Validators } from '../model/source-health.js';

// Everything Signpost keeps between polls, behind one interface with two implementations: RedisStore for
// the worker (shared by every process) and MemoryStore for backtests and tests of the pipeline. Every
// write is idempotent, so a job BullMQ runs twice changes nothing the second time. Times are epoch ms.

/** A near-duplicate fingerprint remembered for clustering later items. */
export interface FingerprintEntry {
  cluster: string;
  fingerprint: string;
  at: number;
}

export interface Store {
  /**
   * Mark item keys as seen; per key, true when it was new. Atomic per key: two workers marking the same
   * key at once get exactly one true. Keys are kept for `seenTtlMs` (longer than evidence), so an item
   * whose evidence was purged never comes back as new.
   */
  markSeen(keys: readonly string[], now: number): Promise<boolean[]>;
  /** Record evidence; returns how many ids were new (an id already present is left as it was). */
  addEvidence(evidence: readonly Evidence[]): Promise<number>;
  /** Evidence with publishedAt in [since, until], oldest first. */
  listEvidence(since: number, until?: number): Promise<Evidence[]>;
  /** Drop evidence published before `before`; returns how many. */
  purgeEvidence(before: number): Promise<number>;

  addFingerprints(entries: readonly FingerprintEntry[]): Promise<void>;
  /** Fingerprints seen at or after `since`, newest first, at most `limit`. */
  recentFingerprints(since: number, limit: number): Promise<FingerprintEntry[]>;

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
  /** Move a source's next check later only (Retry-After, backoff); never earlier than it is. */
  postpone(source: string, at: number): Promise<void>;
  unschedule(source: string): Promise<void>;
  /** Sources due at `now`, earliest first, at most `limit`. */
  dueSources(now: number, limit: number): Promise<string[]>;
  scheduled(): Promise<Record<string, number>>;

  close(): Promise<void>;
}
