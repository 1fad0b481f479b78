// The only place that knows key names. Every key starts with one prefix carrying a Redis Cluster hash tag
// (the part between the first `{` and the next `}`), so they all hash to one slot: multi-key scripts and
// MULTI work on a cluster, and BullMQ's queues, given the same prefix, land in that slot too
// (BullMQ, patterns/redis-cluster.md; Redis Cluster spec, "Hash tags").
import { StoreError } from './errors.js';

export const DEFAULT_PREFIX = '{signpost}';

export interface StoreKeys {
  /** The normalized prefix, hash tag included: pass the same string to BullMQ as its `prefix`. */
  readonly prefix: string;
  /** Sorted set: item key → when last marked seen. */
  readonly seen: string;
  /** Hash: evidence id → Evidence JSON. */
  readonly evidence: string;
  /** Sorted set: evidence id → publishedAt. */
  readonly evidenceByTime: string;
  /** Sorted set: `cluster|fingerprint` → when seen. */
  readonly fingerprints: string;
  /** Sorted set: ScenarioState JSON → its `at`. */
  readonly scenarioHistory: string;
  /** Hash: scenario → ScenarioAlertState JSON. */
  readonly scenarioAlert: string;
  /** Hash: indicator → `{status, at}` JSON. */
  readonly indicatorStatus: string;
  /** Hash: source → SourceHealth JSON. */
  readonly health: string;
  /** Hash: source → Validators JSON. */
  readonly validators: string;
  /** Sorted set: source → when next due. */
  readonly schedule: string;
}

/**
 * The hash tag Redis Cluster hashes a key by: what lies between the first `{` and the first `}` after it,
 * when that is not empty; undefined when the key has none (the whole key is hashed).
 */
export function hashTag(key: string): string | undefined {
  const open = key.indexOf('{');
  if (open < 0) return undefined;
  const close = key.indexOf('}', open + 1);
  if (close < 0 || close === open + 1) return undefined;
  return key.slice(open + 1, close);
}

/**
 * A prefix with a hash tag: `signpost` → `{signpost}`; one that has a tag already (`{x}`, `app:{x}`) stays
 * as it is. A trailing `:` is dropped (keys add their own). Braces that make no tag (`{}`, `a{b`) are an error,
 * since Redis would hash every key differently.
 */
export function normalizePrefix(prefix: string = DEFAULT_PREFIX): string {
  const trimmed = prefix.trim().replace(/:+$/, '');
  if (trimmed === '') throw new StoreError(`the key prefix is empty (got ${JSON.stringify(prefix)})`);
  if (hashTag(trimmed) !== undefined) return trimmed;
  if (/[{}]/.test(trimmed)) {
    throw new StoreError(`the key prefix ${JSON.stringify(prefix)} has braces but no hash tag; write it as {name} or without braces`);
  }
  return `{${trimmed}}`;
}

/** Every key of the store under `prefix` (normalized first). */
export function storeKeys(prefix?: string): StoreKeys {
  const p = normalizePrefix(prefix);
  return Object.freeze({
    prefix: p,
    seen: `${p}:seen`,
    evidence: `${p}:evidence`,
    evidenceByTime: `${p}:evidence:by-time`,
    fingerprints: `${p}:fingerprints`,
    scenarioHistory: `${p}:scenario:history`,
    scenarioAlert: `${p}:scenario:alert`,
    indicatorStatus: `${p}:indicator:status`,
    health: `${p}:health`,
    validators: `${p}:validators`,
    schedule: `${p}:schedule`,
  });
}

/** The key names of `keys`, without the prefix field. */
export function keyList(keys: StoreKeys): string[] {
  const { prefix: _, ...named } = keys;
  return Object.values(named);
}

/** A fingerprint as a member of the fingerprints set: `cluster|fingerprint` (a fingerprint is hex, so no `|`). */
export function fingerprintMember(cluster: string, fingerprint: string): string {
  if (fingerprint.includes('|')) throw new StoreError(`a fingerprint must not contain "|", got ${JSON.stringify(fingerprint)}`);
  return `${cluster}|${fingerprint}`;
}

export function splitFingerprintMember(member: string): { cluster: string; fingerprint: string } {
  const bar = member.lastIndexOf('|');
  return { cluster: member.slice(0, bar), fingerprint: member.slice(bar + 1) };
}
