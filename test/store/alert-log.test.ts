// The alert log: alert groups and the alerts they hold, on both stores: what the pipeline sees must not depend on which one it was given.
// RedisStore runs on real Redis under a random prefix, deleted afterwards.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AlertGroup, updateGroup } from '../../src/alerts/group.js';
import { type Store, StoreError } from '../../src/store/index.js';
import { type Backend, memoryBackend, redisBackend } from './backends.js';
import { alert, DAY, MIN, setGroup, T0 } from './fixtures.js';

const backends: Backend[] = [redisBackend(), memoryBackend()];

describe.each(backends)('$name', (backend) => {
  beforeAll(() => backend.setup());
  afterEach(() => backend.reset());
  afterAll(() => backend.teardown());

  const open = (opts?: Parameters<Backend['open']>[0]): Store => backend.open(opts).store;

  describe('alert groups', () => {
    const groupA = (): AlertGroup => updateGroup(undefined, [{ id: 'a1', firing: true, at: T0 }], T0);

    it('round-trips a group with its receiver; undefined for a key never set', async () => {
      const store = open();
      expect(await store.getAlertGroup('root:{}')).toBeUndefined();
      await setGroup(store, 'root:{}', groupA(), 'analysts-digest');
      expect(await store.getAlertGroup('root:{}')).toStrictEqual(groupA());
      expect(await store.alertGroups()).toStrictEqual([
        { key: 'root:{}', receiver: 'analysts-digest', group: groupA() },
      ]);
    });

    it('replaces a group set again, receiver included', async () => {
      const store = open();
      await setGroup(store, 'root:{}', groupA(), 'analysts-digest');
      const grown = updateGroup(
        groupA(),
        [
          { id: 'a2', firing: true, at: T0 + MIN },
          { id: 'a1', firing: false, at: T0 + MIN },
        ],
        T0 + MIN,
      );
      await setGroup(store, 'root:{}', grown, 'on-call');
      expect(await store.getAlertGroup('root:{}')).toStrictEqual(grown);
      expect(await store.alertGroups()).toStrictEqual([{ key: 'root:{}', receiver: 'on-call', group: grown }]);
    });

    it('lists every group by key, odd keys included', async () => {
      const store = open();
      for (const key of ['root/urgent:{indicator="ukraine-polling"}', '__proto__', 'root:{}', 'a|b:{x="é"}']) {
        await setGroup(store, key, groupA(), `to-${key}`);
      }
      const groups = await store.alertGroups();
      expect(groups.map((g) => g.key)).toEqual([
        '__proto__',
        'a|b:{x="é"}',
        'root/urgent:{indicator="ukraine-polling"}',
        'root:{}',
      ]);
      expect(groups.map((g) => g.receiver)).toEqual(groups.map((g) => `to-${g.key}`));
    });

    it('updates a group from what it holds, creating it when there is none, or leaves it when told to', async () => {
      const store = open();
      const add = (id: string, at: number) => (group: AlertGroup | undefined) =>
        updateGroup(group, [{ id, firing: true, at }], at);
      expect(await store.updateAlertGroup('root:{}', 'desk', add('a1', T0))).toStrictEqual(groupA());
      const grown = await store.updateAlertGroup('root:{}', 'desk', add('a2', T0 + MIN));
      expect(grown?.alerts.map((a) => a.id)).toEqual(['a1', 'a2']);
      expect(await store.alertGroups()).toStrictEqual([{ key: 'root:{}', receiver: 'desk', group: grown }]);
      expect(await store.updateAlertGroup('root:{}', 'desk', () => undefined)).toBeUndefined();
      expect(await store.updateAlertGroup('other', 'desk', () => undefined)).toBeUndefined();
      expect(await store.alertGroups()).toStrictEqual([{ key: 'root:{}', receiver: 'desk', group: grown }]);
    });

    it('keeps a group as written: neither the update nor the group it returns can change it afterwards', async () => {
      const store = open();
      let given: AlertGroup | undefined;
      const written = await store.updateAlertGroup('root:{}', 'desk', () => (given = groupA()));
      expect(written).not.toBe(given);
      given!.alerts[0]!.firing = false;
      written!.alerts.push({ ...written!.alerts[0]!, id: 'a9' });
      expect(await store.getAlertGroup('root:{}')).toStrictEqual(groupA());
    });

    it('loses no update when workers change one group at once', async () => {
      const { store, peer } = backend.open();
      const writers = Array.from({ length: 12 }, (_, n) =>
        (n % 2 ? peer : store).updateAlertGroup('root:{}', 'on-call', (group) =>
          updateGroup(group, [{ id: `a${n}`, firing: true, at: T0 + n }], T0 + n),
        ),
      );
      await Promise.all(writers);
      const group = await store.getAlertGroup('root:{}');
      expect(group?.alerts.map((a) => a.id).sort()).toEqual(Array.from({ length: 12 }, (_, n) => `a${n}`).sort());
    });

    it('lists the groups awaiting clearing: a firing scenario, indicator or source-health alert, not matches', async () => {
      const store = open();
      const group = (...alerts: [string, boolean][]) => ({
        firstSeenAt: T0,
        alerts: alerts.map(([id, firing]) => ({ id, firing, at: T0 })),
      });
      await setGroup(store, 'matches', group(['match:s1:a|r1', true], ['match:s1:b|r1', true]), 'desk');
      await setGroup(store, 'outage', group(['source-health:s1:never', true]), 'on-call');
      await setGroup(store, 'over', group(['indicator:i1:overdue:2026-03-01T00:00:00.000Z', false]), 'desk');
      await setGroup(store, 'mixed', group(['match:s2:c|r2', true], ['scenario:risk:fire:1', true]), 'desk');
      const awaiting = async () => (await store.alertGroupsAwaitingClearing()).map((e) => [e.key, e.receiver]);
      expect(await awaiting()).toEqual([
        ['mixed', 'desk'],
        ['outage', 'on-call'],
      ]);
      // Resolved, it leaves the list; firing again, it is back.
      await setGroup(store, 'outage', group(['source-health:s1:never', false]), 'on-call');
      expect(await awaiting()).toEqual([['mixed', 'desk']]);
      await store.updateAlertGroup('over', 'desk', () =>
        group(['indicator:i1:overdue:2026-03-01T00:00:00.000Z', true]),
      );
      expect(await awaiting()).toEqual([
        ['mixed', 'desk'],
        ['over', 'desk'],
      ]);
      expect((await store.alertGroupsAwaitingClearing()).find((e) => e.key === 'over')?.group).toStrictEqual(
        await store.getAlertGroup('over'),
      );
    });

    it('refuses a group holding a time that is not finite', async () => {
      const store = open();
      await expect(setGroup(store, 'g', { firstSeenAt: Number.NaN, alerts: [] }, 'r')).rejects.toThrow(StoreError);
      await expect(
        setGroup(store, 'g', { firstSeenAt: T0, alerts: [{ id: 'a', firing: true, at: Infinity }] }, 'r'),
      ).rejects.toThrow(StoreError);
      await expect(store.updateAlertGroup('g', 'r', () => ({ firstSeenAt: Number.NaN, alerts: [] }))).rejects.toThrow(
        StoreError,
      );
      expect(await store.alertGroups()).toEqual([]);
    });
  });

  describe('alerts', () => {
    it('keeps the first content of an id: putting it again changes nothing and counts 0', async () => {
      const store = open();
      expect(await store.putAlerts([alert('a1', T0), alert('a2', T0 + MIN)])).toBe(2);
      expect(await store.putAlerts([alert('a1', T0 + DAY, { summary: 'rewritten' }), alert('a3', T0)])).toBe(1);
      expect(await store.getAlerts(['a1', 'a2', 'a3'])).toStrictEqual([
        alert('a1', T0),
        alert('a2', T0 + MIN),
        alert('a3', T0),
      ]);
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

    it('gives the labels of the alerts asked for, in that order, as getAlerts would, first content kept', async () => {
      const store = open();
      const scenario = alert('s', T0, {
        kind: 'scenario',
        labels: { kind: 'scenario', severity: 'high', scenario: 'risk' },
      });
      await store.putAlerts([alert('m', T0), scenario, alert('m', T0, { labels: { kind: 'other' } })]);
      await store.putAlerts([alert('s', T0, { labels: { kind: 'rewritten' } })]);
      const ids = ['s', 'nope', 'm', 's'];
      expect(await store.alertLabels(ids)).toStrictEqual((await store.getAlerts(ids)).map((a) => a.labels));
      expect(await store.alertLabels(ids)).toStrictEqual([scenario.labels, alert('m', T0).labels, scenario.labels]);
      expect(await store.alertLabels([])).toEqual([]);
    });

    it('refuses an alert whose startsAt is not finite, keeping nothing of the call', async () => {
      const store = open();
      await expect(store.putAlerts([alert('ok', T0), alert('bad', Number.NaN)])).rejects.toThrow(StoreError);
      expect(await store.getAlerts(['ok', 'bad'])).toEqual([]);
      expect(await store.alertLabels(['ok', 'bad'])).toEqual([]);
    });
  });
});
