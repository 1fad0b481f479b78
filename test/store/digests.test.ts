// Digests: the alerts waiting for each receiver and the marks of the last digest, on both stores: what the pipeline sees must not depend on which one it was given.
// RedisStore runs on real Redis under a random prefix, deleted afterwards.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/model/alert.js';
import { type Store, StoreError } from '../../src/store/index.js';
import { type Backend, memoryBackend, redisBackend } from './backends.js';
import { alert, DAY, MIN, T0 } from './fixtures.js';

const backends: Backend[] = [redisBackend(), memoryBackend()];

describe.each(backends)('$name', (backend) => {
  beforeAll(() => backend.setup());
  afterEach(() => backend.reset());
  afterAll(() => backend.teardown());

  const open = (opts?: Parameters<Backend['open']>[0]): Store => backend.open(opts).store;

  describe('digests', () => {
    it('collects alerts per receiver, deduplicated by id, first write wins, by startsAt then id', async () => {
      const store = open();
      expect(await store.appendDigestAlerts('analysts', [alert('b', T0 + MIN), alert('c', T0)])).toBe(2);
      expect(
        await store.appendDigestAlerts('analysts', [
          alert('b', T0 + MIN, { summary: 'again' }),
          alert('a', T0 + MIN),
          alert('a', T0),
        ]),
      ).toBe(1);
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
      const takes = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? peer : store).takeDigestAlerts('analysts')),
      );
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
      expect(await store.getDigestMark('analysts')).toStrictEqual({
        at: T0 + DAY,
        probabilities: { baseline: 0.55, risk: 0.45 },
      });
      expect(await store.getDigestMark('on-call')).toStrictEqual({ at: T0, probabilities: {} });
      await expect(store.setDigestMark('x', { at: Number.NaN, probabilities: {} })).rejects.toThrow(StoreError);
    });

    it('refuses an alert whose startsAt is not finite, appending nothing of the call', async () => {
      const store = open();
      await expect(store.appendDigestAlerts('analysts', [alert('ok', T0), alert('bad', Infinity)])).rejects.toThrow(
        StoreError,
      );
      expect(await store.peekDigestAlerts('analysts')).toEqual([]);
    });
  });
});
