// The only place that knows key names. Every key starts with one prefix carrying a Redis Cluster hash tag
// (the part between the first `{` and the next `}`), so they all hash to one slot: multi-key scripts and
// MULTI work on a cluster, and BullMQ's queues, given the same prefix, land in that slot too
// (BullMQ, patterns/redis-cluster.md; Redis Cluster spec, "Hash tags").
import { StoreError } from './errors.js';
import { compareCodePoints } from './order.js';

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
  /** Stream: each scoring step's additions to the picture (picture-log.ts). */
  readonly pictureLog: string;
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
  /**
   * String: when a worker first found this store (written at start, never deleted). Its absence later
   * means Redis lost its data (restarted without persistence, flushed, failed over to an empty replica).
   */
  readonly sentinel: string;
  /** Set: sources whose next poll only marks its items seen, after Redis lost its data (no alerts). */
  readonly warmUp: string;
  /** Hash: alert id → Alert JSON (first write wins). */
  readonly alerts: string;
  /** Sorted set: alert id → when it was last raised (its latest startsAt), for pruning. */
  readonly alertsByTime: string;
  /** Hash: alert id → its labels' JSON, written and purged with the alert: what inhibition reads. */
  readonly alertLabels: string;
  /** Hash: group key → `{receiver, group}` JSON. */
  readonly alertGroups: string;
  /** Set: the keys of the groups that await clearing (records.ts awaitsClearing), written with each group. */
  readonly alertGroupsAwaiting: string;
  /** String: present once alertGroupsAwaiting was built from the groups (a store written before it was). */
  readonly alertGroupsAwaitingBuilt: string;
  /** Hash: pairField(group key, receiver) → SendLog JSON. */
  readonly sendLog: string;
  /** Sorted set: send-log field → its last lastSentAt, for pruning. */
  readonly sendLogByTime: string;
  /** Hash: pairField(receiver, notification id) → SentRecord JSON: the sends recorded, in doubt or not. */
  readonly sent: string;
  /** Sorted set: sent field → when it was recorded, for pruning. */
  readonly sentByTime: string;
  /**
   * Hash: pairField(receiver, notification id) → the owner of a send started (claimSend) and neither
   * recorded nor released: kept beyond its claim, so a retry knows the sender may have sent it.
   */
  readonly attempts: string;
  /** Sorted set: attempt field → when the attempt started. */
  readonly attemptsByTime: string;
  /** Hash: silence id → RuntimeSilence JSON. */
  readonly silences: string;
  /** Hash: receiver → DigestMark JSON. */
  readonly digestMarks: string;
  /** Hash: counterField(name, labels) → the counter's value (HINCRBY / HINCRBYFLOAT). */
  readonly counters: string;
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
    throw new StoreError(
      `the key prefix ${JSON.stringify(prefix)} has braces but no hash tag; write it as {name} or without braces`,
    );
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
    pictureLog: `${p}:picture:log`,
    scenarioHistory: `${p}:scenario:history`,
    scenarioAlert: `${p}:scenario:alert`,
    indicatorStatus: `${p}:indicator:status`,
    health: `${p}:health`,
    validators: `${p}:validators`,
    schedule: `${p}:schedule`,
    sentinel: `${p}:sentinel`,
    warmUp: `${p}:warm-up`,
    alerts: `${p}:alerts`,
    alertsByTime: `${p}:alerts:by-time`,
    alertLabels: `${p}:alerts:labels`,
    alertGroups: `${p}:alert:groups`,
    alertGroupsAwaiting: `${p}:alert:groups:awaiting`,
    alertGroupsAwaitingBuilt: `${p}:alert:groups:awaiting:built`,
    sendLog: `${p}:send:log`,
    sendLogByTime: `${p}:send:log:by-time`,
    sent: `${p}:send:sent`,
    sentByTime: `${p}:send:sent:by-time`,
    attempts: `${p}:send:attempt`,
    attemptsByTime: `${p}:send:attempt:by-time`,
    silences: `${p}:silences`,
    digestMarks: `${p}:digest:mark`,
    counters: `${p}:metrics:counters`,
  });
}

// Keys made per receiver (and per notification), for what must expire on its own (a send claim) or be
// read and cleared in one step (a receiver's digest). Each part is URI-encoded, so parts never run into
// each other or into the fixed keys, and a `{` in a receiver name never moves the hash tag (the prefix,
// which comes first, holds it).

/** String, with a PX expiry: the owner of a live claim to send `notificationId` to `receiver`. */
export function sendClaimKey(keys: StoreKeys, receiver: string, notificationId: string): string {
  return `${keys.prefix}:send:claim:${encodeURIComponent(receiver)}:${encodeURIComponent(notificationId)}`;
}

/** Hash: alert id → Alert JSON, the alerts waiting for `receiver`'s next digest. */
export function digestAlertsKey(keys: StoreKeys, receiver: string): string {
  return `${keys.prefix}:digest:alerts:${encodeURIComponent(receiver)}`;
}

/** String, with a PX expiry: that the counts of `event` were added (incrementCounters with `once`). */
export function countedKey(keys: StoreKeys, event: string): string {
  return `${keys.prefix}:metrics:counted:${encodeURIComponent(event)}`;
}

/** String, with a PX expiry: the robots.txt of `origin` as a worker process read it (robots-share.ts). */
export function robotsKey(keys: StoreKeys, origin: string): string {
  return `${keys.prefix}:robots:${encodeURIComponent(origin)}`;
}

/** The keys of the analysts' feedback (feedback.ts): judgements and the recent items no rule matched. */
export interface FeedbackKeys {
  /** Hash: JSON [target, indicator, user] → Judgement JSON (one judgement per analyst and target). */
  readonly judgements: string;
  /** Sorted set: judgement field → when it was made. */
  readonly judgementsByTime: string;
  /** Hash: item key → UnmatchedItem JSON. */
  readonly unmatched: string;
  /** Sorted set: item key → when it was first seen unmatched. */
  readonly unmatchedByTime: string;
  /** String: the secret the web role derives its anti-CSRF tokens from (shared by every web process). */
  readonly csrfSecret: string;
}

export function feedbackKeys(keys: StoreKeys): FeedbackKeys {
  const p = keys.prefix;
  return Object.freeze({
    judgements: `${p}:feedback:judgements`,
    judgementsByTime: `${p}:feedback:judgements:by-time`,
    unmatched: `${p}:feedback:unmatched`,
    unmatchedByTime: `${p}:feedback:unmatched:by-time`,
    csrfSecret: `${p}:feedback:csrf-secret`,
  });
}

/**
 * The beginnings of the keys made per receiver (sendClaimKey, digestAlertsKey), per counted event
 * (countedKey) or per origin (robotsKey): SCAN MATCH `<family>*`
 * lists them, for operators and tests; the store itself never walks the keyspace.
 */
export function keyFamilies(keys: StoreKeys): string[] {
  return [
    `${keys.prefix}:send:claim:`,
    `${keys.prefix}:digest:alerts:`,
    `${keys.prefix}:metrics:counted:`,
    `${keys.prefix}:robots:`,
  ];
}

/** A hash field made of two strings, unambiguous whatever they hold: their JSON array. */
export function pairField(a: string, b: string): string {
  return JSON.stringify([a, b]);
}

/** The fixed key names of `keys`, without the prefix field (the per-receiver ones are in keyFamilies). */
export function keyList(keys: StoreKeys): string[] {
  const { prefix: _, ...named } = keys;
  return Object.values(named);
}

/** A fingerprint as a member of the fingerprints set: `cluster|fingerprint` (a fingerprint is hex, so no `|`). */
export function fingerprintMember(cluster: string, fingerprint: string): string {
  if (fingerprint.includes('|'))
    throw new StoreError(`a fingerprint must not contain "|", got ${JSON.stringify(fingerprint)}`);
  return `${cluster}|${fingerprint}`;
}

export function splitFingerprintMember(member: string): { cluster: string; fingerprint: string } {
  const bar = member.lastIndexOf('|');
  return { cluster: member.slice(0, bar), fingerprint: member.slice(bar + 1) };
}

/**
 * A counter as a hash field: the JSON array of its name and its label pairs sorted by label name (by code
 * point), `["name",["a","1"],["b","2"]]`. Unambiguous whatever the strings hold, and one field per counter
 * whatever order the labels were given in.
 */
export function counterField(name: string, labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels).sort(([a], [b]) => compareCodePoints(a, b));
  return JSON.stringify([name, ...pairs]);
}

/** The name and labels of a counterField; undefined for a field that is not one. */
export function parseCounterField(field: string): { name: string; labels: Record<string, string> } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(field);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string') return undefined;
  const labels: Record<string, string> = {};
  for (const pair of parsed.slice(1) as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string')
      return undefined;
    labels[pair[0]] = pair[1];
  }
  return { name: parsed[0], labels };
}
