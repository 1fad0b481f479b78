// The send log: sends recorded, claimed and released, on both stores: what the pipeline sees must not depend on which one it was given.
// RedisStore runs on real Redis under a random prefix, deleted afterwards.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Store, StoreError } from '../../src/store/index.js';
import { type Backend, memoryBackend, redisBackend } from './backends.js';
import { MIN, sentAlready, sleep, T0 } from './fixtures.js';

const backends: Backend[] = [redisBackend(), memoryBackend()];

describe.each(backends)('$name', (backend) => {
  beforeAll(() => backend.setup());
  afterEach(() => backend.reset());
  afterAll(() => backend.teardown());

  const open = (opts?: Parameters<Backend['open']>[0]): Store => backend.open(opts).store;

  describe('send-log', () => {
    const log = (at: number, ids: string[]) => ({ lastSentAt: at, lastSentIds: ids });

    it('records a send once per notification and receiver, writing the send-log with it', async () => {
      const store = open();
      expect(await store.getSendLog('g', 'on-call')).toBeUndefined();
      expect(await sentAlready(store, 'n1', 'on-call')).toBe(false);
      expect(await store.recordSend('g', 'on-call', log(T0, ['a1']), 'n1')).toBe(true);
      expect(await store.getSendLog('g', 'on-call')).toStrictEqual(log(T0, ['a1']));
      expect(await sentAlready(store, 'n1', 'on-call')).toBe(true);
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
      expect(await sentAlready(store, 'n1', 'analysts')).toBe(false);
      expect(await store.getSendLog('g', 'analysts')).toBeUndefined();
      expect(await store.getSendLog('h', 'on-call')).toBeUndefined();
      expect(await store.recordSend('g', 'analysts', log(T0 + MIN, ['a1']), 'n1')).toBe(true);
      expect(await store.getSendLog('g', 'on-call')).toStrictEqual(log(T0, ['a1']));
      expect(await store.getSendLog('g', 'analysts')).toStrictEqual(log(T0 + MIN, ['a1']));
      // Parts that would run together if joined naively stay apart.
      await store.recordSend('x","y', 'z', log(T0, []), 'n');
      expect(await store.getSendLog('x', 'y","z')).toBeUndefined();
    });

    it('reads many send-logs at once, in the order asked, undefined where none was written', async () => {
      const store = open();
      expect(await store.getSendLogs([])).toStrictEqual([]);
      await store.recordSend('g', 'on-call', log(T0, ['a1']), 'n1');
      await store.recordSend('h', 'analysts', log(T0 + MIN, ['b1']), 'n2');
      // More than one batch of HMGET (redis-base.ts BATCH), a missing pair in each.
      const many = Array.from({ length: 1200 }, (_, i) => ({
        key: i % 2 ? 'h' : 'g',
        receiver: i % 3 ? 'analysts' : 'on-call',
      }));
      const expected = many.map(({ key, receiver }) =>
        key === 'g' && receiver === 'on-call'
          ? log(T0, ['a1'])
          : key === 'h' && receiver === 'analysts'
            ? log(T0 + MIN, ['b1'])
            : undefined,
      );
      expect(await store.getSendLogs(many)).toStrictEqual(expected);
      expect(await store.getSendLogs([{ key: 'x', receiver: 'on-call' }])).toStrictEqual([undefined]);
    });

    it('round-trips an empty send-log', async () => {
      const store = open();
      expect(await store.recordSend('g', 'r', {}, 'n1')).toBe(true);
      expect(await store.getSendLog('g', 'r')).toStrictEqual({});
    });

    it('gives exactly one true when 10 workers record the same send at once', async () => {
      const { store, peer } = backend.open();
      const replies = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? peer : store).recordSend('g', 'r', log(T0 + i, ['a']), 'n1')),
      );
      expect(replies.filter(Boolean)).toHaveLength(1);
      expect(await store.getSendLog('g', 'r')).toStrictEqual(log(T0 + replies.indexOf(true), ['a']));
    });

    it('gives exactly one claim when 20 workers claim the same send at once over two connections; sent once recorded', async () => {
      const { store, peer } = backend.open();
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? peer : store).claimSend('n1', 'on-call', `w${i}`, 10_000, T0)),
      );
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
      expect(await sentAlready(store, 'n1', 'on-call')).toBe(true);
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
      expect(await sentAlready(store, 'n1', 'on-call')).toBe(false);
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
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? peer : store).claimSend('n1', 'on-call', `w${i}`, 10_000, T0 + MIN),
        ),
      );
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
});
