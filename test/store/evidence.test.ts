// Evidence and near-duplicate fingerprints, on both stores: what the pipeline sees must not depend on which one it was given.
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

  describe('evidence', () => {
    it('records an id once: the same id again is left as it was and counts 0', async () => {
      const store = open();
      expect(await store.addEvidence([evidence('i1|r', T0), evidence('i2|r', T0 + MIN)])).toBe(2);
      expect(await store.addEvidence([evidence('i1|r', T0 + DAY, { title: 'rewritten' })])).toBe(0);
      expect(await store.listEvidence(0)).toEqual([evidence('i1|r', T0), evidence('i2|r', T0 + MIN)]);
    });

    it('counts an id repeated within one batch once', async () => {
      const store = open();
      expect(await store.addEvidence([evidence('i1|r', T0), evidence('i1|r', T0)])).toBe(1);
      expect(await store.listEvidence(0)).toHaveLength(1);
    });

    it('lists evidence published in [since, until], oldest first', async () => {
      const store = open();
      await store.addEvidence([3, 0, 4, 1, 2].map((d) => evidence(`i${d}|r`, T0 + d * DAY)));
      const ids = async (since: number, until?: number) => (await store.listEvidence(since, until)).map((e) => e.id);
      expect(await ids(T0 + DAY, T0 + 3 * DAY)).toEqual(['i1|r', 'i2|r', 'i3|r']);
      expect(await ids(T0 + 2 * DAY)).toEqual(['i2|r', 'i3|r', 'i4|r']);
      expect(await ids(T0 + 5 * DAY)).toEqual([]);
      expect(await ids(T0 + 3 * DAY, T0 + DAY)).toEqual([]);
    });

    it('orders evidence published at the same instant by id', async () => {
      const store = open();
      await store.addEvidence(['b|r', 'é|r', 'a|r', '😀|r', '\uffee|r'].map((id) => evidence(id, T0)));
      expect((await store.listEvidence(T0, T0)).map((e) => e.id)).toEqual(['a|r', 'b|r', 'é|r', '\uffee|r', '😀|r']);
    });

    it('purges evidence published before a time and says how many', async () => {
      const store = open();
      await store.addEvidence([0, 1, 2, 3].map((d) => evidence(`i${d}|r`, T0 + d * DAY)));
      expect(await store.purgeEvidence(T0 + 2 * DAY)).toBe(2);
      expect(await store.purgeEvidence(T0 + 2 * DAY)).toBe(0);
      expect((await store.listEvidence(0)).map((e) => e.id)).toEqual(['i2|r', 'i3|r']);
      expect(await store.addEvidence([evidence('i0|r', T0)])).toBe(1); // purged ids are gone, not tombstoned
    });

    it('refuses a publishedAt that is not a finite number, recording nothing of the batch', async () => {
      const store = open();
      await expect(store.addEvidence([evidence('ok|r', T0), evidence('bad|r', Number.NaN)])).rejects.toThrow(
        StoreError,
      );
      expect(await store.listEvidence(-Infinity)).toEqual([]);
    });
  });

  describe('fingerprints', () => {
    const fp = (n: number, at: number, cluster = `c${n}`) => ({
      cluster,
      fingerprint: n.toString(16).padStart(16, '0'),
      at,
    });

    it('returns fingerprints seen since a time, newest first, at most limit', async () => {
      const store = open();
      await store.addFingerprints([fp(1, T0), fp(2, T0 + 2 * MIN), fp(3, T0 + MIN), fp(4, T0 - MIN)]);
      expect(await store.recentFingerprints(T0, 10)).toEqual([fp(2, T0 + 2 * MIN), fp(3, T0 + MIN), fp(1, T0)]);
      expect(await store.recentFingerprints(T0, 2)).toEqual([fp(2, T0 + 2 * MIN), fp(3, T0 + MIN)]);
      expect(await store.recentFingerprints(T0, 0)).toEqual([]);
      expect(await store.recentFingerprints(-Infinity, Infinity)).toHaveLength(4);
    });

    it('keeps the latest time of a fingerprint added again, whatever the order', async () => {
      const store = open();
      await store.addFingerprints([fp(1, T0 + MIN)]);
      await store.addFingerprints([fp(1, T0), fp(2, T0)]);
      expect(await store.recentFingerprints(0, 10)).toEqual([fp(1, T0 + MIN), fp(2, T0)]);
      await store.addFingerprints([fp(2, T0 + 2 * MIN)]);
      expect(await store.recentFingerprints(0, 10)).toEqual([fp(2, T0 + 2 * MIN), fp(1, T0 + MIN)]);
    });

    it('keeps one entry per cluster and fingerprint, so one fingerprint may sit in two clusters', async () => {
      const store = open();
      await store.addFingerprints([fp(1, T0, 'a'), fp(1, T0 + MIN, 'b')]);
      expect(await store.recentFingerprints(0, 10)).toEqual([fp(1, T0 + MIN, 'b'), fp(1, T0, 'a')]);
    });

    it('keeps only the newest fingerprintLimit', async () => {
      const store = open({ fingerprintLimit: 3 });
      for (let n = 0; n < 8; n++) await store.addFingerprints([fp(n, T0 + ((n * 5) % 8) * MIN)]);
      await store.addFingerprints([fp(1, T0 - DAY)]); // dropped before; too old to come back
      expect((await store.recentFingerprints(-Infinity, 10)).map((f) => f.cluster)).toEqual(['c3', 'c6', 'c1']);
    });

    it('refuses a fingerprint holding the member separator', async () => {
      await expect(open().addFingerprints([{ cluster: 'c', fingerprint: 'a|b', at: T0 }])).rejects.toThrow(StoreError);
    });
  });
});
