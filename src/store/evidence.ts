// Evidence and near-duplicate fingerprints: what the rules matched, by publication date, purged by the
// caller's evidence TTL; and the fingerprints of recent stories, the newest `fingerprintLimit` kept.
import type { Evidence, FingerprintEntry } from '../model/evidence.js';
import { checkBound, checkTime, parseJson } from './errors.js';
import { fingerprintMember, splitFingerprintMember, type StoreKeys } from './keys.js';
import { ascending, descending, type Scored, settle, take } from './memory-base.js';
import { limitCount, type Retention } from './options.js';
import { chunks, exec, op, pairs } from './redis-base.js';
import { ADD_EVIDENCE, PURGE_BY_TIME, type RedisClient } from './scripts.js';

export interface EvidenceStore {
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
}

export class RedisEvidence implements EvidenceStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: StoreKeys,
    private readonly retention: Retention,
  ) {}

  addEvidence(evidence: readonly Evidence[]): Promise<number> {
    return op('addEvidence', async () => {
      for (const e of evidence) checkTime(`evidence ${e.id}: publishedAt`, e.publishedAt);
      let added = 0;
      for (const batch of chunks(evidence)) {
        const args = batch.flatMap((e) => [e.id, e.publishedAt, JSON.stringify(e)]);
        added += (await ADD_EVIDENCE.run(this.client, [this.keys.evidence, this.keys.evidenceByTime], args)) as number;
      }
      return added;
    });
  }

  listEvidence(since: number, until?: number): Promise<Evidence[]> {
    return op('listEvidence', async () => {
      checkBound('listEvidence: since', since);
      if (until !== undefined) checkBound('listEvidence: until', until);
      const ids = await this.client.zrangebyscore(this.keys.evidenceByTime, since, until ?? '+inf');
      const out: Evidence[] = [];
      for (const batch of chunks(ids)) {
        const records = await this.client.hmget(this.keys.evidence, ...batch);
        // An id without a record was purged between the two reads: it is gone, not broken.
        for (const json of records) if (json !== null) out.push(parseJson<Evidence>(json, this.keys.evidence));
      }
      return out;
    });
  }

  purgeEvidence(before: number): Promise<number> {
    return op('purgeEvidence', async () => {
      checkBound('purgeEvidence: before', before);
      return (await PURGE_BY_TIME.run(this.client, [this.keys.evidence, this.keys.evidenceByTime], [before])) as number;
    });
  }

  addFingerprints(entries: readonly FingerprintEntry[]): Promise<void> {
    return op('addFingerprints', async () => {
      if (entries.length === 0) return;
      const args: (string | number)[] = [];
      for (const e of entries) {
        checkTime(`fingerprint ${e.fingerprint}: at`, e.at);
        args.push(e.at, fingerprintMember(e.cluster, e.fingerprint));
      }
      // GT: a fingerprint seen again keeps its latest time; the oldest beyond the cap go.
      const key = this.keys.fingerprints;
      await exec(
        this.client
          .multi()
          .zadd(key, 'GT', ...args)
          .zremrangebyrank(key, 0, -(this.retention.fingerprintLimit + 1)),
      );
    });
  }

  recentFingerprints(since: number, limit: number): Promise<FingerprintEntry[]> {
    return op('recentFingerprints', async () => {
      checkBound('recentFingerprints: since', since);
      const count = limitCount(limit);
      if (count === 0) return [];
      const reply = await this.client.zrevrangebyscore(
        this.keys.fingerprints,
        '+inf',
        since,
        'WITHSCORES',
        'LIMIT',
        0,
        count,
      );
      return pairs(reply).map(([member, at]) => ({ ...splitFingerprintMember(member), at }));
    });
  }
}

export class MemoryEvidence implements EvidenceStore {
  private readonly evidence = new Map<string, { publishedAt: number; json: string }>();
  private readonly fingerprints = new Map<string, number>();

  constructor(private readonly retention: Retention) {}

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

  /** The fingerprints Redis would hold: the newest `fingerprintLimit`, newest first. */
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
          ? [...this.fingerprints]
              .filter(([, score]) => score >= since)
              .map(([member, score]) => ({ member, score }))
              .sort(descending)
          : this.keptFingerprints().filter((f) => f.score >= since);
      return take(recent, limit).map((f) => ({ ...splitFingerprintMember(f.member), at: f.score }));
    });
  }
}
