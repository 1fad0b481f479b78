// Runtime silences, on both stores: what the pipeline sees must not depend on which one it was given.
// RedisStore runs on real Redis under a random prefix, deleted afterwards.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isSilenced, makeSilence, type RuntimeSilence, silenceState } from '../../src/alerts/silence.js';
import { type Store, StoreError } from '../../src/store/index.js';
import { type Backend, memoryBackend, redisBackend } from './backends.js';
import { DAY, MIN, T0 } from './fixtures.js';

const backends: Backend[] = [redisBackend(), memoryBackend()];

describe.each(backends)('$name', (backend) => {
  beforeAll(() => backend.setup());
  afterEach(() => backend.reset());
  afterAll(() => backend.teardown());

  const open = (opts?: Parameters<Backend['open']>[0]): Store => backend.open(opts).store;

  describe('runtime silences', () => {
    const silence = (comment: string, starts: number, ends: number, createdAt = T0): RuntimeSilence => {
      const made = makeSilence(
        { matchers: { indicator: 'ukraine-polling' }, starts, ends, author: 'ana', comment },
        createdAt,
      );
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
      const made = [
        silence('c', T0, T0 + DAY, T0 + MIN),
        silence('a', T0, T0 + DAY, T0),
        silence('b', T0, T0 + DAY, T0 + MIN),
        silence('d', T0, T0 + DAY, T0 - MIN),
      ];
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
      expect(isSilenced({ indicator: 'ukraine-polling' }, await store.silences(), T0 + 8 * DAY + 1)?.id).toBe(
        active.id,
      );
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
      const replies = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? peer : store).expireSilence(s.id, T0 + (i + 1) * MIN)),
      );
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
});
