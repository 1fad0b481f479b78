// Source state: health, validators and the fetch schedule (the sentinel and warm-up: data-loss.test.ts), on both stores: what the pipeline sees must not depend on which one it was given.
// RedisStore runs on real Redis under a random prefix, deleted afterwards.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Store } from '../../src/store/index.js';
import { type Backend, memoryBackend, redisBackend } from './backends.js';
import { DAY, due, health, MIN, T0 } from './fixtures.js';

const backends: Backend[] = [redisBackend(), memoryBackend()];

describe.each(backends)('$name', (backend) => {
  beforeAll(() => backend.setup());
  afterEach(() => backend.reset());
  afterAll(() => backend.teardown());

  const open = (opts?: Parameters<Backend['open']>[0]): Store => backend.open(opts).store;

  describe('source health and validators', () => {
    it('round-trips health and lists every source by id', async () => {
      const store = open();
      const failing = health('kiis', {
        consecutiveFailures: 2,
        lastError: { reason: 'timeout', message: 'no answer in 10 s', at: T0 },
      });
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
      expect(await store.getValidators('kiis')).toStrictEqual({
        etag: 'W/"abc"',
        lastModified: 'Wed, 14 Jan 2026 10:00:00 GMT',
      });
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
      expect(due(await store.dueSchedule(T0, 10))).toEqual(['d', 'c', 'a', 'b']);
      expect(due(await store.dueSchedule(T0, 2))).toEqual(['d', 'c']);
      expect(due(await store.dueSchedule(T0, 0))).toEqual([]);
      expect(due(await store.dueSchedule(T0 - 3 * MIN, 10))).toEqual([]);
      expect(await store.scheduled()).toEqual({ d: T0 - 2 * MIN, c: T0 - MIN, a: T0, b: T0, later: T0 + 1 });
    });

    it('lets schedule move a source earlier', async () => {
      const store = open();
      await store.schedule('kiis', T0 + DAY);
      await store.schedule('kiis', T0);
      expect(due(await store.dueSchedule(T0, 10))).toEqual(['kiis']);
    });

    it('reschedules only a source still scheduled: one unscheduled meanwhile stays unscheduled', async () => {
      const store = open();
      await store.schedule('kiis', T0);
      await store.schedule('dropped', T0);
      await store.unschedule('dropped');
      await store.reschedule('kiis', T0 + MIN);
      await store.reschedule('dropped', T0 + MIN);
      await store.reschedule('never', T0 + MIN);
      expect(await store.scheduled()).toEqual({ kiis: T0 + MIN });
    });

    it('unschedules a source; unscheduling one never scheduled is harmless', async () => {
      const store = open();
      await store.schedule('kiis', T0);
      await store.schedule('nato-news', T0);
      await store.unschedule('kiis');
      await store.unschedule('nowhere');
      expect(due(await store.dueSchedule(T0, 10))).toEqual(['nato-news']);
      expect(await store.scheduled()).toEqual({ 'nato-news': T0 });
    });
  });
});
