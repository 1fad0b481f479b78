// Pipeline counters, on both stores: what the pipeline sees must not depend on which one it was given.
// RedisStore runs on real Redis under a random prefix, deleted afterwards.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Store, StoreError } from '../../src/store/index.js';
import { type Backend, memoryBackend, redisBackend } from './backends.js';
import {} from './fixtures.js';

const backends: Backend[] = [redisBackend(), memoryBackend()];

describe.each(backends)('$name', (backend) => {
  beforeAll(() => backend.setup());
  afterEach(() => backend.reset());
  afterAll(() => backend.teardown());

  const open = (opts?: Parameters<Backend['open']>[0]): Store => backend.open(opts).store;

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
      expect(await store.counters()).toEqual([
        { name: 'signpost_fetches_total', labels: { result: 'ok', source: 'a' }, value: 7 },
      ]);
    });

    it('counts an event once: a second call naming it, from any process, adds nothing; another event adds', async () => {
      const { store, peer } = backend.open();
      const sent = [
        {
          name: 'signpost_notifications_total',
          labels: { receiver: 'desk', channel: 'slack', result: 'sent', reason: '' },
        },
      ];
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
      for (const [i, v] of odd.entries())
        expect(read.find((c) => c.labels.v === v && Object.keys(c.labels).length === 1)?.value).toBe(i + 1);
      expect(read.find((c) => c.labels.b === 'y')).toEqual({
        name: 'odd_total',
        labels: { b: 'y', v: 'a' },
        value: 100,
      });
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
      await expect(
        store.incrementCounters([
          { name: 'ok_total', labels: {} },
          { name: 'bad_total', labels: {}, by },
        ]),
      ).rejects.toThrow(StoreError);
      expect(await store.counters()).toEqual([]);
    });

    it('refuses a counter without a name', async () => {
      await expect(open().incrementCounters([{ name: '', labels: {} }])).rejects.toThrow(StoreError);
    });
  });
});
