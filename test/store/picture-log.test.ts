// The picture log on both stores: a reader gets every step written since its cursor, in order, once; and
// is told to read in full when its cursor is gone (trimmed, or Redis lost its data) or it is far behind.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOG_LIMIT, LOG_READ_LIMIT, RedisStore } from '../../src/store/index.js';
import { type Backend, memoryBackend, redisBackend } from './backends.js';
import { evidence, MIN, T0 } from './fixtures.js';

const fingerprint = (n: number) => ({
  cluster: `c${n}`,
  fingerprint: n.toString(16).padStart(16, '0'),
  at: T0 + n * MIN,
});
const redis = redisBackend();
const backends: Backend[] = [redis, memoryBackend()];

describe.each(backends)('$name picture log', (backend) => {
  beforeAll(() => backend.setup());
  afterEach(() => backend.reset());
  afterAll(() => backend.teardown());

  it('hands a reader every step written since its cursor, in order, each once', async () => {
    const { store, peer } = backend.open();
    const start = await store.pictureLog.cursor();
    expect(await store.pictureLog.since(start)).toEqual({ continuous: true, entries: [], cursor: start });
    await peer.pictureLog.append([evidence('a|r1', T0)], [fingerprint(1)]);
    await peer.pictureLog.append([evidence('b|r1', T0 + MIN), evidence('b|r2', T0 + MIN)], [fingerprint(2)]);
    const first = await store.pictureLog.since(start);
    expect(first.continuous).toBe(true);
    expect(first.entries.map((e) => e.evidence.map((x) => x.id))).toEqual([['a|r1'], ['b|r1', 'b|r2']]);
    expect(first.entries.map((e) => e.fingerprints)).toEqual([[fingerprint(1)], [fingerprint(2)]]);
    expect(first.entries[0]!.evidence[0]).toEqual(evidence('a|r1', T0));
    await peer.pictureLog.append([], [fingerprint(3)]);
    const second = await store.pictureLog.since(first.cursor);
    expect(second.entries.map((e) => e.fingerprints)).toEqual([[fingerprint(3)]]);
    expect(await store.pictureLog.since(second.cursor)).toEqual({
      continuous: true,
      entries: [],
      cursor: second.cursor,
    });
  });

  it('keeps what was appended, whatever the writer or a reader changes in it afterwards', async () => {
    const { store, peer } = backend.open();
    const start = await store.pictureLog.cursor();
    const written = evidence('a|r1', T0);
    const prints = [fingerprint(1)];
    await peer.pictureLog.append([written], prints);
    written.credibility = 0.01;
    prints[0]!.cluster = 'changed';
    const first = await store.pictureLog.since(start);
    expect(first.entries[0]!.evidence).toEqual([evidence('a|r1', T0)]);
    first.entries[0]!.evidence[0]!.credibility = 0.02;
    first.entries[0]!.fingerprints.push(fingerprint(2));
    first.entries[0]!.evidence = [];
    expect(first.entries[0]!.evidence).toEqual([]);
    const again = await store.pictureLog.since(start);
    expect(again.entries[0]!.evidence).toEqual([evidence('a|r1', T0)]);
    expect(again.entries[0]!.fingerprints).toEqual([fingerprint(1)]);
  });

  it('appends nothing for a step that added nothing, and gives the id of what it appended', async () => {
    const { store } = backend.open();
    const start = await store.pictureLog.cursor();
    expect(await store.pictureLog.append([], [])).toBeUndefined();
    expect(await store.pictureLog.cursor()).toBe(start);
    const id = await store.pictureLog.append([], [fingerprint(1)]);
    expect(id).toBe(await store.pictureLog.cursor());
  });

  it('tells a reader more than a read behind to read the picture in full', async () => {
    const { store, peer } = backend.open();
    await store.pictureLog.append([], [fingerprint(0)]);
    const cursor = await store.pictureLog.cursor();
    for (let n = 1; n <= LOG_READ_LIMIT; n++) await peer.pictureLog.append([], [fingerprint(n)]);
    expect(await store.pictureLog.since(cursor)).toEqual({ continuous: false, entries: [], cursor });
  });

  it('tells a reader whose cursor was trimmed away to read the picture in full', async () => {
    const { store, peer } = backend.open();
    await store.pictureLog.append([], [fingerprint(0)]);
    const cursor = await store.pictureLog.cursor();
    // Past the limit by more than Redis trims at a time (MAXLEN ~ trims whole nodes of the stream).
    for (let n = 1; n <= LOG_LIMIT + 500; n++) await peer.pictureLog.append([], [fingerprint(n)]);
    const read = await store.pictureLog.since(cursor);
    expect(read.continuous).toBe(false);
    const latest = await store.pictureLog.cursor();
    await peer.pictureLog.append([evidence('z|r1', T0)], []);
    expect((await store.pictureLog.since(latest)).entries.map((e) => e.evidence[0]!.id)).toEqual(['z|r1']);
  });
});

describe('RedisStore picture log after Redis lost its data', () => {
  beforeAll(() => redis.setup());
  afterAll(() => redis.teardown());

  it('tells the reader to read in full, whatever was written since', async () => {
    const store = new RedisStore(redis.clients()[0], { prefix: redis.prefix });
    await store.pictureLog.append([evidence('a|r1', T0)], []);
    const cursor = await store.pictureLog.cursor();
    await redis.reset();
    // Stream ids are milliseconds: a log begun again within the same one could reuse the id, which a real
    // loss of data (a restart, a failover) never does in that time.
    while (Date.now() <= Number(cursor.split('-')[0])) await new Promise((r) => setImmediate(r));
    await store.pictureLog.append([evidence('b|r1', T0)], []);
    expect(await store.pictureLog.since(cursor)).toEqual({ continuous: false, entries: [], cursor });
  });

  it('tells a reader who found the log empty, too: its cursor is a mark the loss took with it', async () => {
    const store = new RedisStore(redis.clients()[0], { prefix: redis.prefix });
    await redis.reset();
    const cursor = await store.pictureLog.cursor();
    expect(await store.pictureLog.since(cursor)).toEqual({ continuous: true, entries: [], cursor });
    await redis.reset();
    while (Date.now() <= Number(cursor.split('-')[0])) await new Promise((r) => setImmediate(r));
    await store.pictureLog.append([evidence('b|r1', T0)], []);
    expect(await store.pictureLog.since(cursor)).toEqual({ continuous: false, entries: [], cursor });
  });

  it('refuses an entry that is not a step, naming the key', async () => {
    const [client] = redis.clients();
    const store = new RedisStore(client, { prefix: redis.prefix });
    const cursor = await store.pictureLog.cursor();
    await client.xadd(store.keys.pictureLog, '*', 'step', '{"evidence":1}');
    await expect(store.pictureLog.since(cursor)).rejects.toThrow(`${store.keys.pictureLog}: entry`);
  });
});
