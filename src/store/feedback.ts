// The analysts' feedback in Redis: their judgements (one per analyst and piece of evidence, or per analyst,
// item and indicator for "should have matched"; the latest wins), and the recent items no rule matched,
// kept a bounded while so they can be judged. Key names come from keys.ts (feedbackKeys).
import { randomBytes } from 'node:crypto';
import type { Evidence } from '../model/evidence.js';
import type { Judgement, UnmatchedItem } from '../model/feedback.js';
import { checkBound, checkTime, parseJson, StoreError } from './errors.js';
import { compareCodePoints } from './order.js';
import { type FeedbackKeys, feedbackKeys, type StoreKeys, storeKeys } from './keys.js';
import { ADD_UNMATCHED, type RedisClient } from './scripts.js';

export interface FeedbackStoreOptions {
  prefix?: string;
  /** Unmatched items kept at most (the newest); default 500. */
  unmatchedLimit?: number;
  /** Unmatched items are dropped this long after they were seen; default 7 days. */
  unmatchedTtlMs?: number;
  /** Judgements kept at most (the newest); default 20,000, years of a desk's work. */
  judgementLimit?: number;
}

const DAY = 86_400_000;

function positiveInteger(what: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0)
    throw new StoreError(`${what} must be a positive integer, got ${String(value)}`);
  return value;
}

/** A hash field naming what was judged by whom: one judgement per (target, indicator, user). */
function judgementField(j: Judgement): string {
  return JSON.stringify([j.evidence ?? `item:${j.item.key}`, j.indicator, j.user]);
}

export class FeedbackStore {
  readonly keys: FeedbackKeys;
  private readonly store: StoreKeys;
  private readonly unmatchedLimit: number;
  private readonly unmatchedTtlMs: number;
  private readonly judgementLimit: number;

  constructor(
    private readonly client: RedisClient,
    opts: FeedbackStoreOptions = {},
  ) {
    this.store = storeKeys(opts.prefix);
    this.keys = feedbackKeys(this.store);
    this.unmatchedLimit = positiveInteger('unmatchedLimit', opts.unmatchedLimit ?? 500);
    this.unmatchedTtlMs = positiveInteger('unmatchedTtlMs', opts.unmatchedTtlMs ?? 7 * DAY);
    this.judgementLimit = positiveInteger('judgementLimit', opts.judgementLimit ?? 20_000);
  }

  private async op<T>(name: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw new StoreError(`feedback ${name} failed: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err,
      });
    }
  }

  /** Keep a judgement, replacing the same analyst's earlier one of the same target and indicator. */
  async judge(j: Judgement): Promise<void> {
    checkTime('judgement.at', j.at);
    const field = judgementField(j);
    await this.op('judge', async () => {
      await this.client
        .multi()
        .hset(this.keys.judgements, field, JSON.stringify(j))
        .zadd(this.keys.judgementsByTime, j.at, field)
        .exec();
      await this.trim(this.keys.judgements, this.keys.judgementsByTime, this.judgementLimit);
    });
  }

  /** Judgements made at or after `since`, oldest first. */
  async judgements(since = -Infinity): Promise<Judgement[]> {
    checkBound('since', since);
    return this.op('judgements', async () => {
      const fields = await this.client.zrangebyscore(
        this.keys.judgementsByTime,
        since === -Infinity ? '-inf' : since,
        '+inf',
      );
      if (fields.length === 0) return [];
      const values = await this.client.hmget(this.keys.judgements, ...fields);
      return values.flatMap((v) => (v === null ? [] : [parseJson<Judgement>(v, this.keys.judgements)]));
    });
  }

  /** A piece of evidence by id, from the evidence log, or undefined when it is not (or no longer) kept. */
  async evidence(id: string): Promise<Evidence | undefined> {
    const text = await this.op('evidence', () => this.client.hget(this.store.evidence, id));
    return text === null ? undefined : parseJson<Evidence>(text, this.store.evidence);
  }

  /**
   * Keep items no rule matched (the first sighting of a key wins), then forget those seen before
   * now − unmatchedTtlMs and all but the newest unmatchedLimit, in one step. Of a batch larger than the
   * limit only its newest are sent: the rest would go at once.
   */
  async addUnmatched(items: readonly UnmatchedItem[], now: number): Promise<void> {
    checkTime('now', now);
    for (const item of items) checkTime('unmatched seenAt', item.seenAt);
    const newest = [...items]
      .sort((a, b) => b.seenAt - a.seenAt || compareCodePoints(b.key, a.key))
      .slice(0, this.unmatchedLimit);
    await this.op('addUnmatched', () =>
      ADD_UNMATCHED.run(
        this.client,
        [this.keys.unmatched, this.keys.unmatchedByTime],
        [
          now - this.unmatchedTtlMs,
          this.unmatchedLimit,
          ...newest.flatMap((i) => [i.key, i.seenAt, JSON.stringify(i)]),
        ],
      ),
    );
  }

  /** The newest unmatched items first, at most `limit`. */
  async unmatched(limit = 100): Promise<UnmatchedItem[]> {
    positiveInteger('limit', limit);
    return this.op('unmatched', async () => {
      const keys = await this.client.zrevrange(this.keys.unmatchedByTime, 0, limit - 1);
      if (keys.length === 0) return [];
      const values = await this.client.hmget(this.keys.unmatched, ...keys);
      return values.flatMap((v) => (v === null ? [] : [parseJson<UnmatchedItem>(v, this.keys.unmatched)]));
    });
  }

  async unmatchedItem(key: string): Promise<UnmatchedItem | undefined> {
    const text = await this.op('unmatchedItem', () => this.client.hget(this.keys.unmatched, key));
    return text === null ? undefined : parseJson<UnmatchedItem>(text, this.keys.unmatched);
  }

  /** The secret anti-CSRF tokens are made from: written once (by the first web process), shared by all. */
  async csrfSecret(): Promise<string> {
    return this.op('csrfSecret', async () => {
      await this.client.set(this.keys.csrfSecret, randomBytes(32).toString('hex'), 'NX');
      const secret = await this.client.get(this.keys.csrfSecret);
      if (!secret) throw new StoreError(`${this.keys.csrfSecret} is empty right after it was written`);
      return secret;
    });
  }

  /** Drop all but the newest `limit` members of a hash indexed by a sorted set. */
  private async trim(hash: string, byTime: string, limit: number): Promise<void> {
    const excess = (await this.client.zcard(byTime)) - limit;
    if (excess <= 0) return;
    const old = await this.client.zrange(byTime, 0, excess - 1);
    if (old.length > 0)
      await this.client
        .multi()
        .hdel(hash, ...old)
        .zrem(byTime, ...old)
        .exec();
  }
}
