// The seen-set and the retention options both stores share, on both stores: what the pipeline sees must not depend on which one it was given.
// RedisStore runs on real Redis under a random prefix, deleted afterwards.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Store, StoreError } from '../../src/store/index.js';
import { type Backend, memoryBackend, redisBackend } from './backends.js';
import { DAY, evidence, MIN, T0 } from './fixtures.js';

const backends: Backend[] = [redisBackend(), memoryBackend()];

describe.each(backends)('$name', (backend) => {
  beforeAll(() => backend.setup());
  afterEach(() => backend.reset());
  afterAll(() => backend.teardown());

  const open = (opts?: Parameters<Backend['open']>[0]): Store => backend.open(opts).store;

  describe('markSeen', () => {
    it('takes keys never seen for new and the same keys again for old', async () => {
      const store = open();
      expect(await store.markSeen(['a', 'b'], T0)).toEqual([true, true]);
      expect(await store.markSeen(['a', 'b'], T0 + MIN)).toEqual([false, false]);
    });

    it('answers per key, in order, for a mix of new and old keys', async () => {
      const store = open();
      await store.markSeen(['b', 'd'], T0);
      expect(await store.markSeen(['a', 'b', 'c', 'd', 'e'], T0 + MIN)).toEqual([true, false, true, false, true]);
    });

    it('counts a key repeated within one call as new once', async () => {
      expect(await open().markSeen(['a', 'a', 'b', 'a'], T0)).toEqual([true, false, true, false]);
    });

    it('answers [] for no keys', async () => {
      expect(await open().markSeen([], T0)).toEqual([]);
    });

    it('gives exactly one caller "new" per key when 50 calls race on overlapping keys over two connections', async () => {
      const { store, peer } = backend.open();
      const keys = Array.from({ length: 40 }, (_, i) => `item-${i}`);
      const calls = Array.from({ length: 50 }, (_, i) => keys.slice((i * 7) % 31, ((i * 7) % 31) + 10));
      const replies = await Promise.all(
        calls.map((batch, i) => (i % 2 === 0 ? store : peer).markSeen(batch, T0 + (i % 5))),
      );
      const news = new Map<string, number>();
      calls.forEach((batch, i) =>
        batch.forEach((key, j) => news.set(key, (news.get(key) ?? 0) + (replies[i]?.[j] ? 1 : 0))),
      );
      expect(news.size).toBe(40);
      expect([...news].filter(([, n]) => n !== 1)).toEqual([]);
    });

    it('remembers a key for seenTtlMs after it was last marked, then takes it for new', async () => {
      const store = open({ seenTtlMs: 1000 });
      expect(await store.markSeen(['a'], T0)).toEqual([true]);
      expect(await store.markSeen(['a'], T0 + 900)).toEqual([false]); // still in the feed: remembered longer
      expect(await store.markSeen(['a'], T0 + 1900)).toEqual([false]); // exactly seenTtlMs after last seen
      expect(await store.markSeen(['a'], T0 + 2901)).toEqual([true]);
      expect(await store.markSeen(['a'], T0 + 2902)).toEqual([false]);
    });

    it('never moves a key back in time when a worker with a slow clock marks it', async () => {
      const store = open({ seenTtlMs: 1000 });
      await store.markSeen(['a'], T0 + 500);
      expect(await store.markSeen(['a'], T0)).toEqual([false]);
      expect(await store.markSeen(['a'], T0 + 1500)).toEqual([false]);
    });

    it('still knows a key after its evidence was purged', async () => {
      const store = open({ seenTtlMs: 180 * DAY, evidenceTtlMs: 90 * DAY });
      await store.markSeen(['item-1'], T0);
      await store.addEvidence([evidence('item-1|rule', T0)]);
      expect(await store.purgeEvidence(T0 + 91 * DAY)).toBe(1);
      expect(await store.listEvidence(0)).toEqual([]);
      expect(await store.markSeen(['item-1'], T0 + 91 * DAY)).toEqual([false]);
    });

    it('refuses a time that is not a finite number', async () => {
      await expect(open().markSeen(['a'], Number.NaN)).rejects.toThrow(StoreError);
    });
  });

  describe('options', () => {
    it('refuses a seen-set that would forget before evidence is purged', () => {
      expect(() => open({ seenTtlMs: 30 * DAY, evidenceTtlMs: 90 * DAY })).toThrow(
        /seenTtlMs .* must be longer than evidenceTtlMs/,
      );
    });

    it('refuses a seen-set that outlives evidence by a day or less: an item may be dated a day after it was seen', () => {
      expect(() => open({ seenTtlMs: 91 * DAY, evidenceTtlMs: 90 * DAY })).toThrow(
        /seenTtlMs .* must be longer than evidenceTtlMs .* by more than a day/,
      );
      expect(() => open({ seenTtlMs: 91 * DAY + 1, evidenceTtlMs: 90 * DAY })).not.toThrow();
    });

    it.each([
      ['historyLimit', 0],
      ['fingerprintLimit', 1.5],
      ['seenTtlMs', -1],
      ['alertTtlMs', 0],
      ['sentTtlMs', Number.NaN],
    ])('refuses %s = %s', (name, value) => {
      expect(() => open({ [name]: value })).toThrow(StoreError);
    });
  });
});
