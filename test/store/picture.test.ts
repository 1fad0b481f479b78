// The picture: scenario history, indicator statuses, scenario alert states, on both stores: what the pipeline sees must not depend on which one it was given.
// RedisStore runs on real Redis under a random prefix, deleted afterwards.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Store } from '../../src/store/index.js';
import { type Backend, memoryBackend, redisBackend } from './backends.js';
import { DAY, MIN, scenarioState, T0 } from './fixtures.js';

const backends: Backend[] = [redisBackend(), memoryBackend()];

describe.each(backends)('$name', (backend) => {
  beforeAll(() => backend.setup());
  afterEach(() => backend.reset());
  afterAll(() => backend.teardown());

  const open = (opts?: Parameters<Backend['open']>[0]): Store => backend.open(opts).store;

  describe('scenario history', () => {
    it('returns states since a time, oldest first, the newest limit of them', async () => {
      const store = open();
      for (const m of [3, 0, 4, 1, 2]) await store.appendScenarioState(scenarioState(T0 + m * MIN, m / 10));
      const ats = async (since: number, limit: number) =>
        (await store.scenarioHistory(since, limit)).map((s) => (s.at - T0) / MIN);
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
});
