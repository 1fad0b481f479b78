// FeedbackStore on real Redis under a random prefix: one judgement per analyst and target, the latest kept;
// unmatched items bounded by age and by count; one CSRF secret for every web process.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Judgement, UnmatchedItem } from '../../src/model/feedback.js';
import { FeedbackStore, RedisStore, StoreError } from '../../src/store/index.js';
import type { RedisConnection } from '../../src/queue/index.js';
import { testRedis } from '../helpers/redis.js';
import { deleteUnder, randomPrefix } from './backends.js';

const DAY = 86_400_000;

function judgement(over: Partial<Judgement> = {}): Judgement {
  return {
    verdict: 'useful',
    user: 'ana',
    at: 1_000,
    indicator: 'troops',
    evidence: 'k1|r1',
    rule: 'r1',
    scenarios: { risk: 1 },
    item: { key: 'k1', source: 'feed', title: 'Convoy seen', publishedAt: 500 },
    ...over,
  };
}

function item(key: string, seenAt: number): UnmatchedItem {
  return { key, source: 'feed', title: `Item ${key}`, publishedAt: seenAt - 10, seenAt };
}

describe('FeedbackStore', () => {
  let redis: RedisConnection;
  let prefix: string;
  beforeAll(() => {
    redis = testRedis({ maxRetriesPerRequest: null });
  });
  afterEach(async () => deleteUnder(redis, prefix));
  afterAll(async () => redis.quit());
  const open = (opts = {}) => {
    prefix = randomPrefix();
    return new FeedbackStore(redis, { prefix, ...opts });
  };

  it("keeps one judgement per analyst and evidence, the latest, and another analyst's beside it", async () => {
    const f = open();
    await f.judge(judgement({ verdict: 'useful', at: 1_000 }));
    await f.judge(judgement({ verdict: 'noise', at: 2_000 }));
    await f.judge(judgement({ verdict: 'useful', user: 'bo', at: 3_000 }));
    const all = await f.judgements();
    expect(all.map((j) => [j.user, j.verdict, j.at])).toEqual([
      ['ana', 'noise', 2_000],
      ['bo', 'useful', 3_000],
    ]);
    expect((await f.judgements(2_500)).map((j) => j.user)).toEqual(['bo']);
  });

  it('keeps "should have matched" per item and indicator', async () => {
    const f = open();
    const base = {
      verdict: 'should-match' as const,
      evidence: undefined,
      rule: undefined,
      scenarios: undefined,
      direction: 'neutral',
    };
    await f.judge(judgement({ ...base, indicator: 'troops' }));
    await f.judge(judgement({ ...base, indicator: 'talks', at: 1_001 }));
    await f.judge(judgement({ ...base, indicator: 'talks', direction: 'risk', at: 1_002 }));
    expect((await f.judgements()).map((j) => [j.indicator, j.direction])).toEqual([
      ['troops', 'neutral'],
      ['talks', 'risk'],
    ]);
  });

  it('keeps only the newest judgements beyond its limit', async () => {
    const f = open({ judgementLimit: 2 });
    for (let i = 0; i < 4; i++) await f.judge(judgement({ evidence: `k${i}|r1`, at: 1_000 + i }));
    expect((await f.judgements()).map((j) => j.evidence)).toEqual(['k2|r1', 'k3|r1']);
    expect(await redis.hlen(f.keys.judgements)).toBe(2);
  });

  it('reads a piece of evidence from the evidence log by id', async () => {
    const f = open();
    const store = new RedisStore(redis, { prefix });
    await store.addEvidence([
      {
        id: 'k1|r1',
        itemKey: 'k1',
        source: 'feed',
        credibility: 0.8,
        rule: 'r1',
        indicator: 'troops',
        scenarios: { risk: 1 },
        severity: 'high',
        publishedAt: 500,
        seenAt: 600,
        cluster: 'c1',
        terms: ['convoy'],
        title: 'Convoy seen',
      },
    ]);
    expect((await f.evidence('k1|r1'))?.title).toBe('Convoy seen');
    expect(await f.evidence('nope')).toBeUndefined();
  });

  it('keeps unmatched items newest first, the first sighting of a key, and forgets them by age and beyond the limit', async () => {
    const f = open({ unmatchedLimit: 3, unmatchedTtlMs: DAY });
    const now = 10 * DAY;
    await f.addUnmatched([item('old', now - DAY - 1), item('a', now - 3_000), item('b', now - 2_000)], now);
    expect((await f.unmatched()).map((i) => i.key)).toEqual(['b', 'a']);
    await f.addUnmatched([{ ...item('a', now), title: 'changed' }, item('c', now - 1_000), item('d', now)], now);
    const kept = await f.unmatched();
    expect(kept.map((i) => i.key)).toEqual(['d', 'c', 'b']);
    expect(await redis.hlen(f.keys.unmatched)).toBe(3);
    expect(await f.unmatchedItem('a')).toBeUndefined();
    expect((await f.unmatched(1)).map((i) => i.key)).toEqual(['d']);
  });

  it('of a batch larger than the limit keeps what the trim would: the newest, ties by the larger key', async () => {
    const f = open({ unmatchedLimit: 3, unmatchedTtlMs: DAY });
    const now = 10 * DAY;
    await f.addUnmatched([item('x', now - 5_000)], now);
    await f.addUnmatched(['k1', 'k5', 'k3', 'k2', 'k4'].map((k) => item(k, now)).concat([item('late', now + 1)]), now);
    expect((await f.unmatched()).map((i) => i.key)).toEqual(['late', 'k5', 'k4']);
    expect(await redis.hlen(f.keys.unmatched)).toBe(3);
  });

  it('forgets more than a batch of old items in one call, by age and by count', async () => {
    const now = 10 * DAY;
    const wide = open({ unmatchedLimit: 2_000, unmatchedTtlMs: DAY });
    const many = (tag: string, at: number) =>
      Array.from({ length: 1_200 }, (_, i) => item(`${tag}-${String(i).padStart(4, '0')}`, at + i));
    await wide.addUnmatched(many('old', now - 2 * DAY), now - 2 * DAY);
    await wide.addUnmatched(many('new', now - 5_000), now - 2 * DAY);
    expect(await redis.zcard(wide.keys.unmatchedByTime)).toBe(2_000);
    // The same keys, read with a tighter bound: 1,200 too old, then all but the newest 3.
    const tight = new FeedbackStore(redis, { prefix, unmatchedLimit: 3, unmatchedTtlMs: DAY });
    await tight.addUnmatched([], now);
    expect((await tight.unmatched()).map((i) => i.key)).toEqual(['new-1199', 'new-1198', 'new-1197']);
    expect(await redis.hlen(tight.keys.unmatched)).toBe(3);
  });

  it('hands every web process the same CSRF secret', async () => {
    const f = open();
    const first = await f.csrfSecret();
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(await new FeedbackStore(redis, { prefix }).csrfSecret()).toBe(first);
  });

  it.each([
    ['a zero limit', { unmatchedLimit: 0 }, /unmatchedLimit must be a positive integer, got 0/],
    ['a fractional ttl', { unmatchedTtlMs: 1.5 }, /unmatchedTtlMs must be a positive integer, got 1.5/],
    ['a negative judgement limit', { judgementLimit: -1 }, /judgementLimit must be a positive integer, got -1/],
  ])('refuses %s', (_name, opts, message) => {
    expect(() => new FeedbackStore(redis, opts)).toThrow(StoreError);
    expect(() => new FeedbackStore(redis, opts)).toThrow(message);
  });

  it('refuses a judgement without a finite time', async () => {
    await expect(open().judge(judgement({ at: Number.NaN }))).rejects.toThrow(/judgement.at must be a finite number/);
  });
});
