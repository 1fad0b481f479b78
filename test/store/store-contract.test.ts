// One table of behaviour, run against both stores: what the pipeline sees must not depend on which one
// it was given. RedisStore runs on real Redis under a random prefix, deleted afterwards.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Store, StoreError } from '../../src/store/index.js';
import { type Backend, memoryBackend, redisBackend } from './backends.js';
import { DAY, evidence, health, MIN, scenarioState, T0 } from './fixtures.js';

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
      const replies = await Promise.all(calls.map((batch, i) => (i % 2 === 0 ? store : peer).markSeen(batch, T0 + (i % 5))));
      const news = new Map<string, number>();
      calls.forEach((batch, i) => batch.forEach((key, j) => news.set(key, (news.get(key) ?? 0) + (replies[i]?.[j] ? 1 : 0))));
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
      await expect(store.addEvidence([evidence('ok|r', T0), evidence('bad|r', Number.NaN)])).rejects.toThrow(StoreError);
      expect(await store.listEvidence(-Infinity)).toEqual([]);
    });
  });

  describe('fingerprints', () => {
    const fp = (n: number, at: number, cluster = `c${n}`) => ({ cluster, fingerprint: n.toString(16).padStart(16, '0'), at });

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

  describe('scenario history', () => {
    it('returns states since a time, oldest first, the newest limit of them', async () => {
      const store = open();
      for (const m of [3, 0, 4, 1, 2]) await store.appendScenarioState(scenarioState(T0 + m * MIN, m / 10));
      const ats = async (since: number, limit: number) => (await store.scenarioHistory(since, limit)).map((s) => (s.at - T0) / MIN);
      expect(await ats(T0, 10)).toEqual([0, 1, 2, 3, 4]);
      expect(await ats(T0, 2)).toEqual([3, 4]);
      expect(await ats(T0 + 2 * MIN, 10)).toEqual([2, 3, 4]);
      expect(await ats(T0, 0)).toEqual([]);
      expect(await store.scenarioHistory(T0, 10)).toContainEqual(scenarioState(T0 + 2 * MIN, 0.2));
    });

    it('gives the state with the latest at as the latest, and undefined before any', async () => {
      const store = open();
      expect(await store.latestScenarioState()).toBeUndefined();
      await store.appendScenarioState(scenarioState(T0 + MIN, 0.5));
      await store.appendScenarioState(scenarioState(T0, 0.3)); // a late write of an older picture
      expect(await store.latestScenarioState()).toEqual(scenarioState(T0 + MIN, 0.5));
    });

    it('replaces the state of an instant when it is appended again', async () => {
      const store = open();
      await store.appendScenarioState(scenarioState(T0, 0.3));
      await store.appendScenarioState(scenarioState(T0, 0.3));
      await store.appendScenarioState(scenarioState(T0, 0.6));
      expect(await store.scenarioHistory(0, 10)).toEqual([scenarioState(T0, 0.6)]);
    });

    it('keeps only the newest historyLimit states', async () => {
      const store = open({ historyLimit: 3 });
      for (const m of [0, 5, 1, 4, 2, 3]) await store.appendScenarioState(scenarioState(T0 + m * MIN));
      expect((await store.scenarioHistory(0, 10)).map((s) => (s.at - T0) / MIN)).toEqual([3, 4, 5]);
    });
  });

  describe('alert and indicator state', () => {
    it('round-trips a scenario alert state; undefined for a scenario never set', async () => {
      const store = open();
      expect(await store.getScenarioAlert('risk')).toBeUndefined();
      await store.setScenarioAlert('risk', { firing: false, pendingSince: T0 });
      expect(await store.getScenarioAlert('risk')).toStrictEqual({ firing: false, pendingSince: T0 });
      await store.setScenarioAlert('risk', { firing: true, since: T0 + MIN });
      expect(await store.getScenarioAlert('risk')).toStrictEqual({ firing: true, since: T0 + MIN });
      expect(await store.getScenarioAlert('baseline')).toBeUndefined();
    });

    it('keeps the last status set per indicator', async () => {
      const store = open();
      expect(await store.indicatorStatuses()).toEqual({});
      await store.setIndicatorStatus('ukraine-polling', 'quiet', T0);
      await store.setIndicatorStatus('nato-partner-assurances', 'in-window', T0);
      await store.setIndicatorStatus('ukraine-polling', 'overdue', T0 + DAY);
      await store.setIndicatorStatus('__proto__', 'active', T0);
      const statuses = await store.indicatorStatuses();
      expect(Object.keys(statuses)).toEqual(['__proto__', 'nato-partner-assurances', 'ukraine-polling']);
      expect(statuses['ukraine-polling']).toEqual({ status: 'overdue', at: T0 + DAY });
      expect(statuses['nato-partner-assurances']).toEqual({ status: 'in-window', at: T0 });
      expect(Object.getPrototypeOf(statuses)).toBe(Object.prototype);
    });
  });

  describe('source health and validators', () => {
    it('round-trips health and lists every source by id', async () => {
      const store = open();
      const failing = health('kiis', { consecutiveFailures: 2, lastError: { reason: 'timeout', message: 'no answer in 10 s', at: T0 } });
      await store.setHealth(health('nato-news', { lastSuccessAt: T0 }));
      await store.setHealth(failing);
      expect(await store.getHealth('kiis')).toStrictEqual(failing);
      expect(await store.getHealth('nowhere')).toBeUndefined();
      expect((await store.allHealth()).map((h) => h.source)).toEqual(['kiis', 'nato-news']);
    });

    it('returns copies: changing a record after writing or reading it changes nothing stored', async () => {
      const store = open();
      const written = health('kiis');
      await store.setHealth(written);
      written.consecutiveFailures = 9;
      const read = await store.getHealth('kiis');
      if (read) read.itemsLastFetch = 99;
      expect(await store.getHealth('kiis')).toStrictEqual(health('kiis'));
    });

    it('drops undefined fields, as JSON does', async () => {
      const store = open();
      await store.setHealth({ ...health('kiis'), lastAttemptAt: undefined });
      expect(await store.getHealth('kiis')).toStrictEqual(health('kiis'));
    });

    it('round-trips validators, empty ones included', async () => {
      const store = open();
      expect(await store.getValidators('kiis')).toBeUndefined();
      await store.setValidators('kiis', { etag: 'W/"abc"', lastModified: 'Wed, 14 Jan 2026 10:00:00 GMT' });
      await store.setValidators('nato-news', {});
      expect(await store.getValidators('kiis')).toStrictEqual({ etag: 'W/"abc"', lastModified: 'Wed, 14 Jan 2026 10:00:00 GMT' });
      expect(await store.getValidators('nato-news')).toStrictEqual({});
    });
  });

  describe('schedule', () => {
    it('lists sources due now, earliest first, ties by id, at most limit', async () => {
      const store = open();
      await store.schedule('c', T0 - MIN);
      await store.schedule('b', T0);
      await store.schedule('a', T0);
      await store.schedule('d', T0 - 2 * MIN);
      await store.schedule('later', T0 + 1);
      expect(await store.dueSources(T0, 10)).toEqual(['d', 'c', 'a', 'b']);
      expect(await store.dueSources(T0, 2)).toEqual(['d', 'c']);
      expect(await store.dueSources(T0, 0)).toEqual([]);
      expect(await store.dueSources(T0 - 3 * MIN, 10)).toEqual([]);
      expect(await store.scheduled()).toEqual({ d: T0 - 2 * MIN, c: T0 - MIN, a: T0, b: T0, later: T0 + 1 });
    });

    it('postpones a source only later, never earlier', async () => {
      const store = open();
      await store.schedule('kiis', T0 + MIN);
      await store.postpone('kiis', T0);
      expect(await store.scheduled()).toEqual({ kiis: T0 + MIN });
      await store.postpone('kiis', T0 + 10 * MIN);
      expect(await store.scheduled()).toEqual({ kiis: T0 + 10 * MIN });
      expect(await store.dueSources(T0 + 5 * MIN, 10)).toEqual([]);
    });

    it('schedules a source by postponing it when it was not scheduled', async () => {
      const store = open();
      await store.postpone('kiis', T0);
      expect(await store.scheduled()).toEqual({ kiis: T0 });
    });

    it('lets schedule move a source earlier', async () => {
      const store = open();
      await store.schedule('kiis', T0 + DAY);
      await store.schedule('kiis', T0);
      expect(await store.dueSources(T0, 10)).toEqual(['kiis']);
    });

    it('unschedules a source; unscheduling one never scheduled is harmless', async () => {
      const store = open();
      await store.schedule('kiis', T0);
      await store.schedule('nato-news', T0);
      await store.unschedule('kiis');
      await store.unschedule('nowhere');
      expect(await store.dueSources(T0, 10)).toEqual(['nato-news']);
      expect(await store.scheduled()).toEqual({ 'nato-news': T0 });
    });
  });

  describe('options', () => {
    it('refuses a seen-set that would forget before evidence is purged', () => {
      expect(() => open({ seenTtlMs: 30 * DAY, evidenceTtlMs: 90 * DAY })).toThrow(/seenTtlMs .* must be longer than evidenceTtlMs/);
    });

    it.each([['historyLimit', 0], ['fingerprintLimit', 1.5], ['seenTtlMs', -1]])('refuses %s = %s', (name, value) => {
      expect(() => open({ [name]: value })).toThrow(StoreError);
    });
  });
});
