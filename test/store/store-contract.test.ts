// One table of behaviour, run against both stores: what the pipeline sees must not depend on which one
// it was given. RedisStore runs on real Redis under a random prefix, deleted afterwards.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/model/alert.js';
import { type AlertGroup, updateGroup } from '../../src/alerts/group.js';
import { isSilenced, makeSilence, type RuntimeSilence, silenceState } from '../../src/alerts/silence.js';
import { type Store, StoreError } from '../../src/store/index.js';
import { type Backend, memoryBackend, redisBackend } from './backends.js';
import { alert, DAY, evidence, health, MIN, scenarioState, sleep, T0 } from './fixtures.js';

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

  describe('alert groups', () => {
    const groupA = (): AlertGroup => updateGroup(undefined, [{ id: 'a1', firing: true, at: T0 }], T0);

    it('round-trips a group with its receiver; undefined for a key never set', async () => {
      const store = open();
      expect(await store.getAlertGroup('root:{}')).toBeUndefined();
      await store.setAlertGroup('root:{}', groupA(), 'analysts-digest');
      expect(await store.getAlertGroup('root:{}')).toStrictEqual(groupA());
      expect(await store.alertGroups()).toStrictEqual([{ key: 'root:{}', receiver: 'analysts-digest', group: groupA() }]);
    });

    it('replaces a group set again, receiver included', async () => {
      const store = open();
      await store.setAlertGroup('root:{}', groupA(), 'analysts-digest');
      const grown = updateGroup(groupA(), [{ id: 'a2', firing: true, at: T0 + MIN }, { id: 'a1', firing: false, at: T0 + MIN }], T0 + MIN);
      await store.setAlertGroup('root:{}', grown, 'on-call');
      expect(await store.getAlertGroup('root:{}')).toStrictEqual(grown);
      expect(await store.alertGroups()).toStrictEqual([{ key: 'root:{}', receiver: 'on-call', group: grown }]);
    });

    it('lists every group by key, odd keys included', async () => {
      const store = open();
      for (const key of ['root/urgent:{indicator="ukraine-polling"}', '__proto__', 'root:{}', 'a|b:{x="é"}']) {
        await store.setAlertGroup(key, groupA(), `to-${key}`);
      }
      const groups = await store.alertGroups();
      expect(groups.map((g) => g.key)).toEqual(['__proto__', 'a|b:{x="é"}', 'root/urgent:{indicator="ukraine-polling"}', 'root:{}']);
      expect(groups.map((g) => g.receiver)).toEqual(groups.map((g) => `to-${g.key}`));
    });

    it('deletes a group, saying whether there was one; its send-log stays', async () => {
      const store = open();
      await store.setAlertGroup('root:{}', groupA(), 'on-call');
      await store.recordSend('root:{}', 'on-call', { lastSentAt: T0, lastSentIds: ['a1'] }, 'n1');
      expect(await store.deleteAlertGroup('root:{}')).toBe(true);
      expect(await store.deleteAlertGroup('root:{}')).toBe(false);
      expect(await store.getAlertGroup('root:{}')).toBeUndefined();
      expect(await store.alertGroups()).toEqual([]);
      expect(await store.getSendLog('root:{}', 'on-call')).toStrictEqual({ lastSentAt: T0, lastSentIds: ['a1'] });
      expect(await store.wasSent('n1', 'on-call')).toBe(true);
    });

    it('updates a group from what it holds, creating it when there is none, or leaves it when told to', async () => {
      const store = open();
      const add = (id: string, at: number) => (group: AlertGroup | undefined) => updateGroup(group, [{ id, firing: true, at }], at);
      expect(await store.updateAlertGroup('root:{}', 'desk', add('a1', T0))).toStrictEqual(groupA());
      const grown = await store.updateAlertGroup('root:{}', 'desk', add('a2', T0 + MIN));
      expect(grown?.alerts.map((a) => a.id)).toEqual(['a1', 'a2']);
      expect(await store.alertGroups()).toStrictEqual([{ key: 'root:{}', receiver: 'desk', group: grown }]);
      expect(await store.updateAlertGroup('root:{}', 'desk', () => undefined)).toBeUndefined();
      expect(await store.updateAlertGroup('other', 'desk', () => undefined)).toBeUndefined();
      expect(await store.alertGroups()).toStrictEqual([{ key: 'root:{}', receiver: 'desk', group: grown }]);
    });

    it('loses no update when workers change one group at once', async () => {
      const { store, peer } = backend.open();
      const writers = Array.from({ length: 12 }, (_, n) => (n % 2 ? peer : store).updateAlertGroup('root:{}', 'on-call', (group) => updateGroup(group, [{ id: `a${n}`, firing: true, at: T0 + n }], T0 + n)));
      await Promise.all(writers);
      const group = await store.getAlertGroup('root:{}');
      expect(group?.alerts.map((a) => a.id).sort()).toEqual(Array.from({ length: 12 }, (_, n) => `a${n}`).sort());
    });

    it('refuses a group holding a time that is not finite', async () => {
      const store = open();
      await expect(store.setAlertGroup('g', { firstSeenAt: Number.NaN, alerts: [] }, 'r')).rejects.toThrow(StoreError);
      await expect(store.setAlertGroup('g', { firstSeenAt: T0, alerts: [{ id: 'a', firing: true, at: Infinity }] }, 'r')).rejects.toThrow(StoreError);
      await expect(store.updateAlertGroup('g', 'r', () => ({ firstSeenAt: Number.NaN, alerts: [] }))).rejects.toThrow(StoreError);
      expect(await store.alertGroups()).toEqual([]);
    });
  });

  describe('alerts', () => {
    it('keeps the first content of an id: putting it again changes nothing and counts 0', async () => {
      const store = open();
      expect(await store.putAlerts([alert('a1', T0), alert('a2', T0 + MIN)])).toBe(2);
      expect(await store.putAlerts([alert('a1', T0 + DAY, { summary: 'rewritten' }), alert('a3', T0)])).toBe(1);
      expect(await store.getAlerts(['a1', 'a2', 'a3'])).toStrictEqual([alert('a1', T0), alert('a2', T0 + MIN), alert('a3', T0)]);
    });

    it('keeps the first of an id repeated within one call', async () => {
      const store = open();
      expect(await store.putAlerts([alert('a1', T0), alert('a1', T0, { summary: 'second' })])).toBe(1);
      expect(await store.getAlerts(['a1'])).toStrictEqual([alert('a1', T0)]);
    });

    it('keeps one content when two workers put different versions of an id at once', async () => {
      const { store, peer } = backend.open();
      const versions = Array.from({ length: 20 }, (_, i) => alert('a1', T0, { summary: `v${i}` }));
      const counts = await Promise.all(versions.map((v, i) => (i % 2 ? peer : store).putAlerts([v])));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
      const first = versions[counts.indexOf(1)];
      expect(await peer.getAlerts(['a1'])).toStrictEqual([first]);
      expect(await store.getAlerts(['a1'])).toStrictEqual([first]);
    });

    it('gets alerts in the order asked, skipping ids not kept', async () => {
      const store = open();
      await store.putAlerts(['a', 'b', 'c'].map((id) => alert(id, T0)));
      expect((await store.getAlerts(['c', 'nope', 'a', 'b', 'a'])).map((a) => a.id)).toEqual(['c', 'a', 'b', 'a']);
      expect(await store.getAlerts([])).toEqual([]);
      expect(await store.putAlerts([])).toBe(0);
    });

    it('refuses an alert whose startsAt is not finite, keeping nothing of the call', async () => {
      const store = open();
      await expect(store.putAlerts([alert('ok', T0), alert('bad', Number.NaN)])).rejects.toThrow(StoreError);
      expect(await store.getAlerts(['ok', 'bad'])).toEqual([]);
    });
  });

  describe('send-log', () => {
    const log = (at: number, ids: string[]) => ({ lastSentAt: at, lastSentIds: ids });

    it('records a send once per notification and receiver, writing the send-log with it', async () => {
      const store = open();
      expect(await store.getSendLog('g', 'on-call')).toBeUndefined();
      expect(await store.wasSent('n1', 'on-call')).toBe(false);
      expect(await store.recordSend('g', 'on-call', log(T0, ['a1']), 'n1')).toBe(true);
      expect(await store.getSendLog('g', 'on-call')).toStrictEqual(log(T0, ['a1']));
      expect(await store.wasSent('n1', 'on-call')).toBe(true);
      // A retried job records the same notification again: nothing changes, not even the log.
      expect(await store.recordSend('g', 'on-call', log(T0 + MIN, ['a1', 'a2']), 'n1')).toBe(false);
      expect(await store.getSendLog('g', 'on-call')).toStrictEqual(log(T0, ['a1']));
      // The next notification of the group moves the log on.
      expect(await store.recordSend('g', 'on-call', log(T0 + 5 * MIN, ['a1', 'a2']), 'n2')).toBe(true);
      expect(await store.getSendLog('g', 'on-call')).toStrictEqual(log(T0 + 5 * MIN, ['a1', 'a2']));
    });

    it('keeps send-logs and sends apart per group and per receiver', async () => {
      const store = open();
      await store.recordSend('g', 'on-call', log(T0, ['a1']), 'n1');
      expect(await store.wasSent('n1', 'analysts')).toBe(false);
      expect(await store.getSendLog('g', 'analysts')).toBeUndefined();
      expect(await store.getSendLog('h', 'on-call')).toBeUndefined();
      expect(await store.recordSend('g', 'analysts', log(T0 + MIN, ['a1']), 'n1')).toBe(true);
      expect(await store.getSendLog('g', 'on-call')).toStrictEqual(log(T0, ['a1']));
      expect(await store.getSendLog('g', 'analysts')).toStrictEqual(log(T0 + MIN, ['a1']));
      // Parts that would run together if joined naively stay apart.
      await store.recordSend('x","y', 'z', log(T0, []), 'n');
      expect(await store.getSendLog('x', 'y","z')).toBeUndefined();
    });

    it('round-trips an empty send-log', async () => {
      const store = open();
      expect(await store.recordSend('g', 'r', {}, 'n1')).toBe(true);
      expect(await store.getSendLog('g', 'r')).toStrictEqual({});
    });

    it('gives exactly one true when 10 workers record the same send at once', async () => {
      const { store, peer } = backend.open();
      const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? peer : store).recordSend('g', 'r', log(T0 + i, ['a']), 'n1')));
      expect(replies.filter(Boolean)).toHaveLength(1);
      expect(await store.getSendLog('g', 'r')).toStrictEqual(log(T0 + replies.indexOf(true), ['a']));
    });

    it('gives exactly one claim when 20 workers claim the same send at once over two connections; sent once recorded', async () => {
      const { store, peer } = backend.open();
      const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? peer : store).claimSend('n1', 'on-call', `w${i}`, 10_000, T0)));
      expect(claims.filter((c) => c === 'claimed')).toHaveLength(1);
      expect(claims.filter((c) => c === 'busy')).toHaveLength(19);
      const winner = `w${claims.indexOf('claimed')}`;
      expect(await store.recordSend('g', 'on-call', log(T0, ['a1']), 'n1')).toBe(true);
      // Recorded: `sent` for everyone, the claim still live or not.
      expect(await peer.claimSend('n1', 'on-call', 'late', 10_000, T0)).toBe('sent');
      expect(await store.claimSend('n1', 'on-call', winner, 10_000, T0)).toBe('sent');
      expect(await store.releaseSend('n1', 'on-call', winner)).toBe(true);
      expect(await store.claimSend('n1', 'on-call', 'later', 10_000, T0)).toBe('sent');
    });

    it('claims per notification and receiver; the same owner claiming again finds it busy', async () => {
      const store = open();
      expect(await store.claimSend('n1', 'on-call', 'w1', 10_000, T0)).toBe('claimed');
      expect(await store.claimSend('n1', 'on-call', 'w1', 10_000, T0)).toBe('busy');
      expect(await store.claimSend('n1', 'analysts', 'w1', 10_000, T0)).toBe('claimed');
      expect(await store.claimSend('n2', 'on-call', 'w1', 10_000, T0)).toBe('claimed');
    });

    it('releases a claim for its owner only', async () => {
      const store = open();
      expect(await store.releaseSend('n1', 'on-call', 'w1')).toBe(false); // nothing to release
      expect(await store.claimSend('n1', 'on-call', 'w1', 10_000, T0)).toBe('claimed');
      expect(await store.releaseSend('n1', 'on-call', 'w2')).toBe(false);
      expect(await store.claimSend('n1', 'on-call', 'w3', 10_000, T0)).toBe('busy');
      expect(await store.releaseSend('n1', 'on-call', 'w1')).toBe(true);
      expect(await store.releaseSend('n1', 'on-call', 'w1')).toBe(false);
      expect(await store.claimSend('n1', 'on-call', 'w3', 10_000, T0)).toBe('claimed');
    });

    it('lets a claim lapse after ttlMs, so a crashed worker does not block the send for ever, and never sends it twice: the retry finds it in doubt', async () => {
      const store = open();
      expect(await store.claimSend('n1', 'on-call', 'crashed', 60, T0)).toBe('claimed');
      expect(await store.claimSend('n1', 'on-call', 'w2', 10_000, T0)).toBe('busy');
      await sleep(150);
      // The claim lapsed, the attempt neither recorded nor released: the crashed worker may have sent it.
      expect(await store.claimSend('n1', 'on-call', 'w2', 10_000, T0 + MIN)).toBe('in-doubt');
      expect(await store.wasSent('n1', 'on-call')).toBe(true);
      expect(await store.claimSend('n1', 'on-call', 'w3', 10_000, T0 + MIN)).toBe('sent');
      expect(await store.releaseSend('n1', 'on-call', 'crashed')).toBe(false); // its claim is gone
      expect(await store.releaseSend('n1', 'on-call', 'w2')).toBe(false); // w2 never held one
      expect(await store.claimSend('n1', 'on-call', 'w4', 10_000, T0 + 2 * MIN)).toBe('sent');
    });

    it('sends again after a send that failed and was released, its claim live or lapsed', async () => {
      const store = open();
      expect(await store.claimSend('n1', 'on-call', 'w1', 10_000, T0)).toBe('claimed');
      expect(await store.releaseSend('n1', 'on-call', 'w1')).toBe(true);
      expect(await store.claimSend('n1', 'on-call', 'w2', 60, T0 + MIN)).toBe('claimed');
      await sleep(150);
      // w2's claim lapsed before its send failed: releasing still drops its attempt, so the retry sends.
      expect(await store.releaseSend('n1', 'on-call', 'w2')).toBe(false);
      expect(await store.claimSend('n1', 'on-call', 'w3', 10_000, T0 + 2 * MIN)).toBe('claimed');
      expect(await store.wasSent('n1', 'on-call')).toBe(false);
    });

    it('leaves an attempt for its owner to release: another owner releasing drops nothing', async () => {
      const store = open();
      expect(await store.claimSend('n1', 'on-call', 'w1', 60, T0)).toBe('claimed');
      expect(await store.releaseSend('n1', 'on-call', 'w2')).toBe(false);
      await sleep(150);
      expect(await store.claimSend('n1', 'on-call', 'w3', 10_000, T0 + MIN)).toBe('in-doubt');
    });

    it('finds an attempt in doubt once when 20 workers retry it at once over two connections', async () => {
      const { store, peer } = backend.open();
      expect(await store.claimSend('n1', 'on-call', 'crashed', 60, T0)).toBe('claimed');
      await sleep(150);
      const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? peer : store).claimSend('n1', 'on-call', `w${i}`, 10_000, T0 + MIN)));
      expect(claims.filter((c) => c === 'in-doubt')).toHaveLength(1);
      expect(claims.filter((c) => c === 'sent')).toHaveLength(19);
    });

    it('keeps attempts apart per notification and receiver', async () => {
      const store = open();
      expect(await store.claimSend('n1', 'on-call', 'crashed', 60, T0)).toBe('claimed');
      await sleep(150);
      expect(await store.claimSend('n1', 'analysts', 'w2', 10_000, T0)).toBe('claimed');
      expect(await store.claimSend('n2', 'on-call', 'w2', 10_000, T0)).toBe('claimed');
      expect(await store.claimSend('n1', 'on-call', 'w2', 10_000, T0)).toBe('in-doubt');
    });

    it('takes a send recorded by its attempt as done: the attempt is dropped, and a late record after an in-doubt changes nothing', async () => {
      const store = open();
      expect(await store.claimSend('n1', 'on-call', 'w1', 60, T0)).toBe('claimed');
      expect(await store.recordSend('g', 'on-call', log(T0, ['a1']), 'n1')).toBe(true);
      await sleep(150);
      expect(await store.claimSend('n1', 'on-call', 'w2', 10_000, T0 + MIN)).toBe('sent');
      // A sender slower than its claim: found in doubt first, its own record comes too late.
      expect(await store.claimSend('n2', 'on-call', 'slow', 60, T0)).toBe('claimed');
      await sleep(150);
      expect(await store.claimSend('n2', 'on-call', 'w2', 10_000, T0 + MIN)).toBe('in-doubt');
      expect(await store.recordSend('g', 'on-call', log(T0 + 2 * MIN, ['a2']), 'n2')).toBe(false);
      expect(await store.getSendLog('g', 'on-call')).toStrictEqual(log(T0, ['a1']));
    });

    it('refuses a claim at a time that is not finite, writing nothing', async () => {
      const store = open();
      await expect(store.claimSend('n1', 'on-call', 'w1', 60, Number.NaN)).rejects.toThrow(StoreError);
      await sleep(150);
      expect(await store.claimSend('n1', 'on-call', 'w2', 10_000, T0)).toBe('claimed');
    });

    it.each([0, -1, 1.5, Number.NaN, Infinity])('refuses a claim ttl of %s', async (ttl) => {
      const store = open();
      await expect(store.claimSend('n1', 'on-call', 'w1', ttl, T0)).rejects.toThrow(StoreError);
      expect(await store.claimSend('n1', 'on-call', 'w2', 10_000, T0)).toBe('claimed');
    });
  });

  describe('pruneAlerts', () => {
    const log = (at: number, ids: string[]) => ({ lastSentAt: at, lastSentIds: ids });
    const ga = (id: string, firing: boolean, at: number) => ({ id, firing, at });
    const HOUR = MIN * 60;
    const ALERT_TTL = 7 * DAY;
    const SENT_TTL = 8 * DAY;
    const opts = { alertTtlMs: ALERT_TTL, sentTtlMs: SENT_TTL };

    it('forgets the alerts of a group that stopped firing before alertTtlMs, keeps firing and recent ones, and deletes a group left empty', async () => {
      const store = open(opts);
      await store.setAlertGroup('g', { firstSeenAt: T0, alerts: [ga('old', false, T0), ga('firing', true, T0), ga('recent', false, T0 + DAY)] }, 'desk');
      await store.setAlertGroup('h', { firstSeenAt: T0, alerts: [ga('old-h', false, T0)] }, 'desk');
      const counts = await store.pruneAlerts(T0 + DAY + ALERT_TTL);
      expect(counts).toMatchObject({ groupAlerts: 2, groups: 1 });
      // The alert resolved exactly alertTtlMs ago stays; one resolved before goes.
      expect(await store.alertGroups()).toStrictEqual([{ key: 'g', receiver: 'desk', group: { firstSeenAt: T0, alerts: [ga('firing', true, T0), ga('recent', false, T0 + DAY)] } }]);
      expect(await store.pruneAlerts(T0 + DAY + ALERT_TTL)).toMatchObject({ groupAlerts: 0, groups: 0 });
    });

    it("goes by the caller's rule for when an alert stopped firing", async () => {
      const store = open(opts);
      await store.setAlertGroup('g', { firstSeenAt: T0, alerts: [ga('once', true, T0), ga('keeps-firing', true, T0)] }, 'desk');
      // As notificationsDue sees them: a one-off alert resolves a day after it fired; the other fires on.
      const stoppedAt = (a: { id: string; firing: boolean; at: number }) => (a.id === 'keeps-firing' ? undefined : a.at + DAY);
      expect(await store.pruneAlerts(T0 + DAY + ALERT_TTL, stoppedAt)).toMatchObject({ groupAlerts: 0 });
      expect(await store.pruneAlerts(T0 + DAY + ALERT_TTL + 1, stoppedAt)).toMatchObject({ groupAlerts: 1, groups: 0 });
      expect((await store.getAlertGroup('g'))?.alerts).toStrictEqual([ga('keeps-firing', true, T0)]);
    });

    it('keeps an alert a group still has raised (an outage checked at every fetch), however long ago it stopped firing', async () => {
      const store = open(opts);
      const outage = (at: number) => alert('source-health:kiis:never', at, { kind: 'source-health', labels: { kind: 'source-health', source: 'kiis', severity: 'low' } });
      await store.putAlerts([outage(T0)]);
      await store.setAlertGroup('g', { firstSeenAt: T0, alerts: [ga(outage(T0).id, true, T0)] }, 'on-call');
      const stoppedAt = (a: { firing: boolean; at: number }) => a.at + DAY; // resolved a day after it fired
      for (let day = 1; day <= 20; day++) {
        await store.putAlerts([outage(T0 + day * DAY)]); // still failing: raised again
        expect(await store.pruneAlerts(T0 + day * DAY + HOUR, stoppedAt)).toMatchObject({ groupAlerts: 0, alerts: 0 });
      }
      expect(await store.getAlerts([outage(T0).id])).toStrictEqual([outage(T0)]);
      // Raised no more (the source came back): forgotten a week after the last raise, not before.
      expect(await store.pruneAlerts(T0 + 27 * DAY, stoppedAt)).toMatchObject({ groupAlerts: 0, alerts: 0 });
      expect(await store.pruneAlerts(T0 + 27 * DAY + 1, stoppedAt)).toEqual({ groupAlerts: 1, groups: 1, alerts: 1, sent: 0, attempts: 0, sendLogs: 0, silences: 0 });
    });

    it('drops alert records last raised before alertTtlMs that no group holds; keeps held ones and ones raised again since', async () => {
      const store = open(opts);
      await store.putAlerts([alert('old', T0), alert('held', T0), alert('again', T0), alert('new', T0 + 6 * DAY)]);
      // Raised again (an outage checked again): the first content stays, the time it was raised moves on.
      expect(await store.putAlerts([alert('again', T0 + 6 * DAY, { summary: 'later' })])).toBe(0);
      await store.setAlertGroup('g', { firstSeenAt: T0, alerts: [ga('held', true, T0)] }, 'desk');
      expect(await store.pruneAlerts(T0 + ALERT_TTL + 1)).toMatchObject({ alerts: 1 });
      expect(await store.getAlerts(['old', 'held', 'again', 'new'])).toStrictEqual([alert('held', T0), alert('again', T0), alert('new', T0 + 6 * DAY)]);
      // Once the group forgets it, the held alert goes too; a purged id put again is kept again.
      await store.setAlertGroup('g', { firstSeenAt: T0, alerts: [ga('held', false, T0)] }, 'desk');
      expect(await store.pruneAlerts(T0 + ALERT_TTL + 1)).toMatchObject({ groupAlerts: 1, groups: 1, alerts: 1 });
      expect(await store.getAlerts(['held'])).toEqual([]);
      expect(await store.putAlerts([alert('old', T0)])).toBe(1);
    });

    it('drops sends, in doubt or not, and attempts written before sentTtlMs; a retry within sentTtlMs never sends again', async () => {
      const store = open(opts);
      await store.recordSend('g', 'desk#email', log(T0, ['a']), 'n-old');
      await store.recordSend('g', 'desk#email', log(T0 + DAY, ['a']), 'n-recent');
      expect(await store.claimSend('n-doubt', 'desk#slack', 'crashed', 60, T0)).toBe('claimed');
      expect(await store.claimSend('n-attempt', 'desk#slack', 'crashed', 60, T0)).toBe('claimed');
      await sleep(150);
      expect(await store.claimSend('n-doubt', 'desk#slack', 'retry', 10_000, T0 + MIN)).toBe('in-doubt');
      expect(await store.pruneAlerts(T0 + SENT_TTL)).toMatchObject({ sent: 0, attempts: 0 }); // exactly sentTtlMs: kept
      expect(await store.pruneAlerts(T0 + SENT_TTL + 1)).toMatchObject({ sent: 1, attempts: 1 });
      expect(await store.wasSent('n-old', 'desk#email')).toBe(false);
      expect(await store.wasSent('n-recent', 'desk#email')).toBe(true);
      expect(await store.claimSend('n-doubt', 'desk#slack', 'late', 10_000, T0 + SENT_TTL + 1)).toBe('sent');
      // The attempt dropped: sentTtlMs after it started, a claim starts afresh.
      expect(await store.claimSend('n-attempt', 'desk#slack', 'late', 10_000, T0 + SENT_TTL + 1)).toBe('claimed');
      expect(await store.pruneAlerts(T0 + MIN + SENT_TTL + 1)).toMatchObject({ sent: 1 });
      expect(await store.wasSent('n-doubt', 'desk#slack')).toBe(false);
    });

    it("keeps a live group's send-log however old, so its firing alerts wait for repeat_interval; drops an old one whose group is gone", async () => {
      const store = open(opts);
      await store.setAlertGroup('live', { firstSeenAt: T0, alerts: [ga('a', true, T0)] }, 'desk');
      await store.recordSend('live', 'desk', log(T0, ['a']), 'n1');
      await store.recordSend('live', 'desk#email', log(T0, ['a']), 'n1');
      await store.recordSend('gone', 'desk', log(T0, ['b']), 'n2');
      await store.recordSend('gone-lately', 'desk', log(T0 + 7 * DAY, ['c']), 'n3');
      await store.recordSend('dated-later', 'desk', log(T0, ['d']), 'n4');
      await store.recordSend('dated-later', 'desk', log(T0 + 7 * DAY, ['d']), 'n5');
      expect(await store.pruneAlerts(T0 + SENT_TTL + 1)).toMatchObject({ sendLogs: 1, groups: 0 });
      expect(await store.getSendLog('live', 'desk')).toStrictEqual(log(T0, ['a']));
      expect(await store.getSendLog('live', 'desk#email')).toStrictEqual(log(T0, ['a']));
      expect(await store.getSendLog('gone', 'desk')).toBeUndefined();
      expect(await store.getSendLog('gone-lately', 'desk')).toStrictEqual(log(T0 + 7 * DAY, ['c']));
      expect(await store.getSendLog('dated-later', 'desk')).toStrictEqual(log(T0 + 7 * DAY, ['d']));
    });

    it('keeps a send recorded without a time', async () => {
      const store = open(opts);
      await store.recordSend('g', 'r', {}, 'n1');
      expect(await store.pruneAlerts(T0 + 365 * DAY)).toEqual({ groupAlerts: 0, groups: 0, alerts: 0, sent: 0, attempts: 0, sendLogs: 0, silences: 0 });
      expect(await store.wasSent('n1', 'r')).toBe(true);
      expect(await store.getSendLog('g', 'r')).toStrictEqual({});
    });

    it('refuses a now that is not finite', async () => {
      await expect(open(opts).pruneAlerts(Number.NaN)).rejects.toThrow(StoreError);
    });
  });

  describe('runtime silences', () => {
    const silence = (comment: string, starts: number, ends: number, createdAt = T0): RuntimeSilence => {
      const made = makeSilence({ matchers: { indicator: 'ukraine-polling' }, starts, ends, author: 'ana', comment }, createdAt);
      if (!made.ok) throw new Error(made.errors.join('; '));
      return made.silence;
    };

    it('adds a silence once by id: adding it again (a retried request) changes nothing', async () => {
      const store = open();
      const s = silence('maintenance', T0, T0 + DAY);
      expect(await store.silences()).toEqual([]);
      expect(await store.addSilence(s)).toBe(true);
      expect(await store.addSilence({ ...s, comment: 'rewritten', createdAt: T0 + MIN })).toBe(false);
      expect(await store.silences()).toStrictEqual([s]);
    });

    it('lists silences oldest created first, ties by id', async () => {
      const store = open();
      const made = [silence('c', T0, T0 + DAY, T0 + MIN), silence('a', T0, T0 + DAY, T0), silence('b', T0, T0 + DAY, T0 + MIN), silence('d', T0, T0 + DAY, T0 - MIN)];
      for (const s of made) await store.addSilence(s);
      const ids = (await store.silences()).map((s) => s.id);
      const tied = [made[0]!.id, made[2]!.id].sort();
      expect(ids).toEqual([made[3]!.id, made[1]!.id, ...tied]);
    });

    it('expires an active silence at now, keeping its start and id', async () => {
      const store = open();
      const s = silence('maintenance', T0, T0 + DAY);
      await store.addSilence(s);
      expect(await store.expireSilence(s.id, T0 + MIN)).toBe(true);
      const [expired] = await store.silences();
      expect(expired).toStrictEqual({ ...s, ends: T0 + MIN });
      expect(silenceState(expired!, T0 + MIN)).toBe('expired');
      expect(isSilenced({ indicator: 'ukraine-polling' }, await store.silences(), T0 + MIN)).toBeUndefined();
    });

    it('expires a pending silence so that it reads expired at once, not pending until its start', async () => {
      const store = open();
      const s = silence('next week', T0 + 7 * DAY, T0 + 8 * DAY);
      await store.addSilence(s);
      expect(await store.expireSilence(s.id, T0)).toBe(true);
      const [expired] = await store.silences();
      expect(expired).toStrictEqual({ ...s, starts: T0, ends: T0 });
      expect(silenceState(expired!, T0)).toBe('expired');
      expect(silenceState(expired!, T0 + 7 * DAY + 1)).toBe('expired');
    });

    it('leaves an expired silence as it is, and answers true for it again', async () => {
      const store = open();
      const s = silence('maintenance', T0, T0 + DAY);
      await store.addSilence(s);
      expect(await store.expireSilence(s.id, T0 + 2 * DAY)).toBe(true); // ended on its own
      expect(await store.silences()).toStrictEqual([s]);
      expect(await store.expireSilence(s.id, T0 + MIN)).toBe(true);
      expect(await store.expireSilence(s.id, T0 + 2 * MIN)).toBe(true); // a retried expire
      expect(await store.silences()).toStrictEqual([{ ...s, ends: T0 + MIN }]);
    });

    it('forgets a silence alertTtlMs after it ended, on its own or expired by hand; keeps active, pending and recent ones', async () => {
      const store = open({ alertTtlMs: 7 * DAY, sentTtlMs: 8 * DAY });
      const ended = silence('ended', T0, T0 + DAY);
      const expired = silence('expired by hand', T0, T0 + 30 * DAY);
      const active = silence('active', T0, T0 + 30 * DAY);
      const pending = silence('pending', T0 + 20 * DAY, T0 + 30 * DAY);
      const recent = silence('recent', T0, T0 + 5 * DAY);
      for (const s of [ended, expired, active, pending, recent]) await store.addSilence(s);
      await store.expireSilence(expired.id, T0 + MIN);
      // Ended exactly alertTtlMs ago: kept; the one expired by hand went earlier.
      expect(await store.pruneAlerts(T0 + DAY + 7 * DAY)).toMatchObject({ silences: 1 });
      expect((await store.silences()).map((s) => s.comment).sort()).toEqual(['active', 'ended', 'pending', 'recent']);
      expect(await store.pruneAlerts(T0 + DAY + 7 * DAY + 1)).toMatchObject({ silences: 1 });
      expect(await store.pruneAlerts(T0 + DAY + 7 * DAY + 1)).toMatchObject({ silences: 0 });
      expect((await store.silences()).map((s) => s.comment).sort()).toEqual(['active', 'pending', 'recent']);
      expect(isSilenced({ indicator: 'ukraine-polling' }, await store.silences(), T0 + 8 * DAY + 1)?.id).toBe(active.id);
      // A pruned silence's id is free again (ids are random; this is what a retried add after a prune meets).
      expect(await store.addSilence(ended)).toBe(true);
    });

    it('answers false for a silence it does not know', async () => {
      const store = open();
      await store.addSilence(silence('maintenance', T0, T0 + DAY));
      expect(await store.expireSilence('0123456789abcdef', T0)).toBe(false);
    });

    it('expires one silence once when two workers expire it at once', async () => {
      const { store, peer } = backend.open();
      const s = silence('maintenance', T0, T0 + DAY);
      await store.addSilence(s);
      const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? peer : store).expireSilence(s.id, T0 + (i + 1) * MIN)));
      expect(replies).toEqual(Array.from({ length: 10 }, () => true));
      const [expired] = await store.silences();
      expect(expired!.ends).toBeGreaterThanOrEqual(T0 + MIN);
      expect(expired!.ends).toBeLessThanOrEqual(T0 + 10 * MIN);
    });

    it('refuses a silence or a time that is not finite', async () => {
      const store = open();
      await expect(store.addSilence({ ...silence('x', T0, T0 + DAY), ends: Number.NaN })).rejects.toThrow(StoreError);
      await expect(store.expireSilence('x', Number.NaN)).rejects.toThrow(StoreError);
      expect(await store.silences()).toEqual([]);
    });
  });

  describe('digests', () => {
    it('collects alerts per receiver, deduplicated by id, first write wins, by startsAt then id', async () => {
      const store = open();
      expect(await store.appendDigestAlerts('analysts', [alert('b', T0 + MIN), alert('c', T0)])).toBe(2);
      expect(await store.appendDigestAlerts('analysts', [alert('b', T0 + MIN, { summary: 'again' }), alert('a', T0 + MIN), alert('a', T0)])).toBe(1);
      expect(await store.appendDigestAlerts('on-call', [alert('z', T0)])).toBe(1);
      const expected = [alert('c', T0), alert('a', T0 + MIN), alert('b', T0 + MIN)];
      expect(await store.peekDigestAlerts('analysts')).toStrictEqual(expected);
      expect(await store.peekDigestAlerts('analysts')).toStrictEqual(expected); // peeking leaves them
      expect(await store.takeDigestAlerts('analysts')).toStrictEqual(expected);
      expect(await store.takeDigestAlerts('analysts')).toEqual([]);
      expect(await store.peekDigestAlerts('analysts')).toEqual([]);
      expect(await store.peekDigestAlerts('on-call')).toStrictEqual([alert('z', T0)]);
    });

    it('takes an alert appended after a take as new for the next digest', async () => {
      const store = open();
      await store.appendDigestAlerts('analysts', [alert('a', T0)]);
      await store.takeDigestAlerts('analysts');
      expect(await store.appendDigestAlerts('analysts', [alert('a', T0)])).toBe(1);
      expect(await store.takeDigestAlerts('analysts')).toStrictEqual([alert('a', T0)]);
    });

    it('keeps receivers apart whatever their names hold', async () => {
      const store = open();
      await store.appendDigestAlerts('ops:{x}', [alert('a', T0)]);
      await store.appendDigestAlerts('ops', [alert('b', T0)]);
      await store.appendDigestAlerts('ops%3A%7Bx%7D', [alert('c', T0)]);
      expect((await store.takeDigestAlerts('ops:{x}')).map((a) => a.id)).toEqual(['a']);
      expect((await store.takeDigestAlerts('ops')).map((a) => a.id)).toEqual(['b']);
      expect((await store.takeDigestAlerts('ops%3A%7Bx%7D')).map((a) => a.id)).toEqual(['c']);
    });

    it('hands each alert to exactly one taker when workers take and append at once', async () => {
      const { store, peer } = backend.open();
      const alerts = Array.from({ length: 60 }, (_, i) => alert(`a${String(i).padStart(2, '0')}`, T0 + i));
      // Appends of overlapping slices over both connections, with a take after every third.
      const work = Array.from({ length: 30 }, (_, i) => {
        const s = i % 2 ? peer : store;
        const append = s.appendDigestAlerts('analysts', alerts.slice(i * 2, i * 2 + 4)).then((): Alert[] => []);
        return i % 3 === 2 ? [append, (i % 4 ? store : peer).takeDigestAlerts('analysts')] : [append];
      }).flat();
      const taken = [...(await Promise.all(work)).flat(), ...(await store.takeDigestAlerts('analysts'))];
      const ids = taken.map((a) => a.id);
      // Every alert appended was taken, none lost; one appended again (by an overlapping slice) after a
      // take went to that take may go to a second take, no further.
      expect(new Set(ids)).toEqual(new Set(alerts.map((a) => a.id)));
      const counts = new Map<string, number>();
      for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
      expect(Math.max(...counts.values())).toBeLessThanOrEqual(2);
    });

    it('gives each alert once when 10 workers take at once', async () => {
      const { store, peer } = backend.open();
      const alerts = Array.from({ length: 50 }, (_, i) => alert(`a${i}`, T0 + i));
      await store.appendDigestAlerts('analysts', alerts);
      const takes = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? peer : store).takeDigestAlerts('analysts')));
      const ids = takes.flat().map((a) => a.id);
      expect(ids).toHaveLength(50);
      expect(new Set(ids).size).toBe(50);
      expect(takes.filter((t) => t.length > 0)).toHaveLength(1); // one take empties the lot
    });

    it('round-trips a digest mark per receiver; undefined before the first', async () => {
      const store = open();
      expect(await store.getDigestMark('analysts')).toBeUndefined();
      await store.setDigestMark('analysts', { at: T0, probabilities: { baseline: 0.6, risk: 0.4 } });
      await store.setDigestMark('analysts', { at: T0 + DAY, probabilities: { baseline: 0.55, risk: 0.45 } });
      await store.setDigestMark('on-call', { at: T0, probabilities: {} });
      expect(await store.getDigestMark('analysts')).toStrictEqual({ at: T0 + DAY, probabilities: { baseline: 0.55, risk: 0.45 } });
      expect(await store.getDigestMark('on-call')).toStrictEqual({ at: T0, probabilities: {} });
      await expect(store.setDigestMark('x', { at: Number.NaN, probabilities: {} })).rejects.toThrow(StoreError);
    });

    it('refuses an alert whose startsAt is not finite, appending nothing of the call', async () => {
      const store = open();
      await expect(store.appendDigestAlerts('analysts', [alert('ok', T0), alert('bad', Infinity)])).rejects.toThrow(StoreError);
      expect(await store.peekDigestAlerts('analysts')).toEqual([]);
    });
  });

  describe('counters', () => {
    it('has none before the first increment, and takes an empty list as nothing', async () => {
      const store = open();
      expect(await store.counters()).toEqual([]);
      await store.incrementCounters([]);
      expect(await store.counters()).toEqual([]);
    });

    it('adds increments up, by 1 when no by is given, across calls and within one', async () => {
      const { store, peer } = backend.open();
      await store.incrementCounters([
        { name: 'signpost_fetches_total', labels: { source: 'a', result: 'ok' } },
        { name: 'signpost_fetches_total', labels: { source: 'a', result: 'ok' }, by: 4 },
      ]);
      await peer.incrementCounters([{ name: 'signpost_fetches_total', labels: { result: 'ok', source: 'a' }, by: 2 }]);
      expect(await store.counters()).toEqual([{ name: 'signpost_fetches_total', labels: { result: 'ok', source: 'a' }, value: 7 }]);
    });

    it('counts an event once: a second call naming it, from any process, adds nothing; another event adds', async () => {
      const { store, peer } = backend.open();
      const sent = [{ name: 'signpost_notifications_total', labels: { receiver: 'desk', channel: 'slack', result: 'sent', reason: '' } }];
      await store.incrementCounters(sent, { event: 'notification:sent:n1:desk#slack', ttlMs: 60_000 });
      await peer.incrementCounters(sent, { event: 'notification:sent:n1:desk#slack', ttlMs: 60_000 });
      await store.incrementCounters(sent, { event: 'notification:sent:n2:desk#slack', ttlMs: 60_000 });
      expect((await store.counters()).map((c) => c.value)).toEqual([2]);
    });

    it('forgets a counted event after its ttl, so the same name counts again', async () => {
      const store = open();
      const inc = [{ name: 'x_total', labels: {} }];
      await store.incrementCounters(inc, { event: 'e', ttlMs: 1 });
      await new Promise((r) => setTimeout(r, 20));
      await store.incrementCounters(inc, { event: 'e', ttlMs: 60_000 });
      expect((await store.counters()).map((c) => c.value)).toEqual([2]);
    });

    it('keeps counters apart by name and by labels, ordered by name then labels', async () => {
      const store = open();
      await store.incrementCounters([
        { name: 'b_total', labels: { x: '1' }, by: 3 },
        { name: 'a_total', labels: { x: '2' } },
        { name: 'a_total', labels: { x: '1' }, by: 5 },
        { name: 'a_total', labels: {}, by: 0 },
        { name: 'a_total', labels: { x: '1', y: '' } },
      ]);
      expect(await store.counters()).toEqual([
        // by the encoded field: `,` (more labels) sorts before `]` (the last one)
        { name: 'a_total', labels: { x: '1', y: '' }, value: 1 },
        { name: 'a_total', labels: { x: '1' }, value: 5 },
        { name: 'a_total', labels: { x: '2' }, value: 1 },
        { name: 'a_total', labels: {}, value: 0 },
        { name: 'b_total', labels: { x: '1' }, value: 3 },
      ]);
    });

    it('keeps unusual characters in label values (quotes, commas, braces, newlines, unicode) exactly', async () => {
      const store = open();
      const odd = ['say "hi", ok', 'a=b,c=d', '{x}', 'line\nbreak\\', 'é🙂\u0000', '"],["b","y'];
      await store.incrementCounters(odd.map((v, i) => ({ name: 'odd_total', labels: { v }, by: i + 1 })));
      await store.incrementCounters([{ name: 'odd_total', labels: { v: 'a', b: 'y' }, by: 100 }]);
      const read = await store.counters();
      expect(read).toHaveLength(odd.length + 1);
      for (const [i, v] of odd.entries()) expect(read.find((c) => c.labels.v === v && Object.keys(c.labels).length === 1)?.value).toBe(i + 1);
      expect(read.find((c) => c.labels.b === 'y')).toEqual({ name: 'odd_total', labels: { b: 'y', v: 'a' }, value: 100 });
    });

    it('adds fractional amounts as floats, and integers onto them', async () => {
      const store = open();
      await store.incrementCounters([{ name: 'signpost_job_seconds_sum', labels: { queue: 'fetch' }, by: 0.5 }]);
      await store.incrementCounters([{ name: 'signpost_job_seconds_sum', labels: { queue: 'fetch' }, by: 2 }]);
      await store.incrementCounters([{ name: 'signpost_job_seconds_sum', labels: { queue: 'fetch' }, by: 0.125 }]);
      const [c] = await store.counters();
      expect(c?.value).toBeCloseTo(2.625, 10);
    });

    it.each([NaN, Infinity, -Infinity])('refuses by = %s, adding nothing of that call', async (by) => {
      const store = open();
      await expect(store.incrementCounters([{ name: 'ok_total', labels: {} }, { name: 'bad_total', labels: {}, by }])).rejects.toThrow(StoreError);
      expect(await store.counters()).toEqual([]);
    });

    it('refuses a counter without a name', async () => {
      await expect(open().incrementCounters([{ name: '', labels: {} }])).rejects.toThrow(StoreError);
    });
  });

  describe('options', () => {
    it('refuses a seen-set that would forget before evidence is purged', () => {
      expect(() => open({ seenTtlMs: 30 * DAY, evidenceTtlMs: 90 * DAY })).toThrow(/seenTtlMs .* must be longer than evidenceTtlMs/);
    });

    it('refuses a seen-set that outlives evidence by a day or less: an item may be dated a day after it was seen', () => {
      expect(() => open({ seenTtlMs: 91 * DAY, evidenceTtlMs: 90 * DAY })).toThrow(/seenTtlMs .* must be longer than evidenceTtlMs .* by more than a day/);
      expect(() => open({ seenTtlMs: 91 * DAY + 1, evidenceTtlMs: 90 * DAY })).not.toThrow();
    });

    it.each([['historyLimit', 0], ['fingerprintLimit', 1.5], ['seenTtlMs', -1], ['alertTtlMs', 0], ['sentTtlMs', Number.NaN]])('refuses %s = %s', (name, value) => {
      expect(() => open({ [name]: value })).toThrow(StoreError);
    });
  });
});
