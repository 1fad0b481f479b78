// The seen-set: which item keys were seen, and when last, so an item is scored once however long it sits
// in a feed. Keys are forgotten `seenTtlMs` after they were last marked (longer than evidence is kept).
import { checkTime, StoreError } from './errors.js';
import type { StoreKeys } from './keys.js';
import type { Retention } from './options.js';
import { chunks, op } from './redis-base.js';
import { settle } from './memory-base.js';
import { MARK_SEEN, type RedisClient } from './scripts.js';

export interface SeenStore {
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
}

export class RedisSeen implements SeenStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: StoreKeys,
    private readonly retention: Retention,
    /** Most expired keys dropped per markSeen call, so a call after a long pause stays quick. */
    private readonly trimBatch = 1000,
  ) {
    if (!(Number.isInteger(trimBatch) && trimBatch > 0)) {
      throw new StoreError(`seenTrimBatch must be a positive integer, got ${String(trimBatch)}`);
    }
  }

  markSeen(keys: readonly string[], now: number): Promise<boolean[]> {
    return op('markSeen', async () => {
      checkTime('markSeen: now', now);
      const cutoff = now - this.retention.seenTtlMs;
      const out: boolean[] = [];
      for (const batch of chunks(keys)) {
        const reply = (await MARK_SEEN.run(
          this.client,
          [this.keys.seen],
          [now, cutoff, this.trimBatch, ...batch],
        )) as number[];
        for (const isNew of reply) out.push(isNew === 1);
      }
      return out;
    });
  }

  isSeen(keys: readonly string[], now: number): Promise<boolean[]> {
    return op('isSeen', async () => {
      checkTime('isSeen: now', now);
      const cutoff = now - this.retention.seenTtlMs;
      const out: boolean[] = [];
      for (const batch of chunks(keys)) {
        if (batch.length === 0) continue;
        const scores = await this.client.zmscore(this.keys.seen, ...batch);
        for (const score of scores) out.push(score !== null && Number(score) >= cutoff);
      }
      return out;
    });
  }
}

export class MemorySeen implements SeenStore {
  /** Item key → last seen; re-marked keys move to the end, so the oldest come first (trimmed from there). */
  private readonly seen = new Map<string, number>();

  constructor(private readonly retention: Retention) {}

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
        this.touch([key], now);
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

  /** Move each key's last-seen time up to `now` (never back, as ZADD GT), without asking; the warm-up marks so. */
  touch(keys: readonly string[], now: number): void {
    for (const key of keys) {
      const last = this.seen.get(key);
      if (last === undefined || last < now) {
        this.seen.delete(key);
        this.seen.set(key, now);
      }
    }
  }
}
