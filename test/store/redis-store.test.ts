// What only RedisStore has: keys in Redis, trimming, scripts, the client it was given, Redis errors.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LuaScript } from '../../src/store/scripts.js';
import { digestAlertsKey, keyList, RedisStore, sendClaimKey, StoreError, storeKeys } from '../../src/store/index.js';
import { testRedis } from '../helpers/redis.js';
import { redisBackend, scanUnder } from './backends.js';
import { alert, DAY, evidence, health, MIN, scenarioState, setGroup, T0 } from './fixtures.js';

const backend = redisBackend();
const client = () => backend.clients()[0];

beforeAll(() => backend.setup());
afterEach(() => backend.reset());
afterAll(() => backend.teardown());

describe('RedisStore', () => {
  it('writes only the keys of keys.ts, under its prefix', async () => {
    const store = new RedisStore(client(), { prefix: backend.prefix });
    await store.markSeen(['a'], T0);
    await store.addEvidence([evidence('a|r', T0)]);
    await store.addFingerprints([{ cluster: 'c', fingerprint: '00ff', at: T0 }]);
    await store.pictureLog.append([evidence('a|r', T0)], []);
    await store.appendScenarioState(scenarioState(T0));
    await store.setScenarioAlert('risk', { firing: false });
    await store.setIndicatorStatus('ukraine-polling', 'quiet', T0);
    await store.setHealth(health('kiis'));
    await store.setValidators('kiis', { etag: '"x"' });
    await store.schedule('kiis', T0);
    await store.recoverLostData(['kiis'], T0); // the sentinel, and a source to warm up
    await store.putAlerts([alert('a1', T0)]);
    await setGroup(store, 'root:{}', { firstSeenAt: T0, alerts: [{ id: 'a1', firing: true, at: T0 }] }, 'on-call');
    await store.alertGroupsAwaitingClearing(); // the index's "built" mark
    await store.recordSend('root:{}', 'on-call', { lastSentAt: T0, lastSentIds: ['a1'] }, 'n1');
    await store.claimSend('n2', 'on-call', 'w1', 60_000, T0);
    await store.addSilence({
      id: 's1',
      createdAt: T0,
      matchers: { kind: ['match'] },
      starts: T0,
      ends: T0 + MIN,
      author: 'a',
      comment: 'c',
    });
    await store.appendDigestAlerts('analysts', [alert('a1', T0)]);
    await store.setDigestMark('analysts', { at: T0, probabilities: {} });
    await store.incrementCounters([{ name: 'signpost_fetches_total', labels: { source: 'kiis', result: 'ok' } }]);
    const keys = storeKeys(backend.prefix);
    const perReceiver = [sendClaimKey(keys, 'on-call', 'n2'), digestAlertsKey(keys, 'analysts')];
    expect((await scanUnder(client(), backend.prefix)).sort()).toEqual([...keyList(keys), ...perReceiver].sort());
  });

  it('keeps counters in one hash, a field per name and labels, integers exact and floats as floats', async () => {
    const store = new RedisStore(client(), { prefix: backend.prefix });
    await store.incrementCounters([
      { name: 'n', labels: { b: '2', a: '1' }, by: 2 },
      { name: 's', labels: {}, by: 0.25 },
    ]);
    await store.incrementCounters([{ name: 's', labels: {}, by: 1 }]); // an integer onto a float
    expect(await client().hgetall(store.keys.counters)).toEqual({ '["n",["a","1"],["b","2"]]': '2', '["s"]': '1.25' });
  });

  it('fails incrementCounters with a StoreError when Redis refuses, adding nothing', async () => {
    const store = new RedisStore(client(), { prefix: backend.prefix });
    await client().set(store.keys.counters, 'not a hash');
    await expect(store.incrementCounters([{ name: 'n', labels: {} }])).rejects.toThrow(StoreError);
  });

  it('keeps a send claim as a key that expires after ttlMs, and drops it on release', async () => {
    const store = new RedisStore(client(), { prefix: backend.prefix });
    const key = sendClaimKey(store.keys, 'on-call', 'n1');
    await store.claimSend('n1', 'on-call', 'w1', 60_000, T0);
    expect(await client().get(key)).toBe('w1');
    const ttl = await client().pttl(key);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await store.releaseSend('n1', 'on-call', 'w1');
    expect(await client().exists(key)).toBe(0);
  });

  it('keeps an attempt beyond its claim, owner and start time, and turns it into a sent record in doubt naming that owner', async () => {
    const store = new RedisStore(client(), { prefix: backend.prefix });
    const field = JSON.stringify(['on-call', 'n1']);
    expect(await store.claimSend('n1', 'on-call', 'w/1', 50, T0)).toBe('claimed');
    expect(await client().hget(store.keys.attempts, field)).toBe('w/1');
    expect(await client().zscore(store.keys.attemptsByTime, field)).toBe(String(T0));
    await new Promise((r) => setTimeout(r, 120));
    expect(await client().exists(sendClaimKey(store.keys, 'on-call', 'n1'))).toBe(0);
    expect(await store.claimSend('n1', 'on-call', 'w2', 60_000, T0 + MIN)).toBe('in-doubt');
    expect(JSON.parse((await client().hget(store.keys.sent, field))!)).toStrictEqual({
      inDoubt: { at: T0 + MIN, owner: 'w/1' },
    });
    expect(await client().zscore(store.keys.sentByTime, field)).toBe(String(T0 + MIN));
    expect(await client().hlen(store.keys.attempts)).toBe(0);
    expect(await client().zcard(store.keys.attemptsByTime)).toBe(0);
    // No claim is left behind by the in-doubt path.
    expect(await client().exists(sendClaimKey(store.keys, 'on-call', 'n1'))).toBe(0);
  });

  it('leaves a group written by another worker during a prune for the next one, losing nothing of it', async () => {
    const store = new RedisStore(client(), { prefix: backend.prefix, alertTtlMs: DAY });
    const stale = { firstSeenAt: T0, alerts: [{ id: 'old', firing: false, at: T0 }] };
    await setGroup(store, 'g', stale, 'desk');
    await store.putAlerts([alert('old', T0)]);
    // A dispatch adds an alert between the prune's read and its compare-and-set.
    const hgetall = client().hgetall.bind(client());
    const grown = { firstSeenAt: T0, alerts: [...stale.alerts, { id: 'new', firing: true, at: T0 + 2 * DAY }] };
    const spy = vi.spyOn(client(), 'hgetall').mockImplementation(async (key) => {
      const value = await hgetall(key);
      if (key === store.keys.alertGroups)
        await setGroup(new RedisStore(backend.clients()[1], { prefix: backend.prefix }), 'g', grown, 'desk');
      return value;
    });
    try {
      expect(await store.pruneAlerts(T0 + 2 * DAY)).toMatchObject({ groupAlerts: 0, groups: 0, alerts: 0 });
    } finally {
      spy.mockRestore();
    }
    expect(await store.getAlertGroup('g')).toStrictEqual(grown);
    expect(await store.getAlerts(['old'])).toStrictEqual([alert('old', T0)]); // still held by the group
    expect(await store.pruneAlerts(T0 + 2 * DAY)).toMatchObject({ groupAlerts: 1, groups: 0, alerts: 1 });
    expect(await store.getAlertGroup('g')).toStrictEqual({ firstSeenAt: T0, alerts: [grown.alerts[1]] });
  });

  it('leaves an alert raised again during a prune in its group', async () => {
    const store = new RedisStore(client(), { prefix: backend.prefix, alertTtlMs: DAY });
    const group = { firstSeenAt: T0, alerts: [{ id: 'outage', firing: false, at: T0 }] };
    await setGroup(store, 'g', group, 'on-call');
    await store.putAlerts([alert('outage', T0)]);
    // A fetch raises the outage again between the prune's look at when it was raised and its write.
    const zmscore = client().zmscore.bind(client());
    const spy = vi.spyOn(client(), 'zmscore').mockImplementation(async (...args: Parameters<typeof zmscore>) => {
      const value = await zmscore(...args);
      await new RedisStore(backend.clients()[1], { prefix: backend.prefix }).putAlerts([alert('outage', T0 + 2 * DAY)]);
      return value;
    });
    try {
      expect(await store.pruneAlerts(T0 + 2 * DAY)).toMatchObject({ groupAlerts: 0, groups: 0, alerts: 0 });
    } finally {
      spy.mockRestore();
    }
    expect(await store.getAlertGroup('g')).toStrictEqual(group);
    expect(await store.pruneAlerts(T0 + 2 * DAY)).toMatchObject({ groupAlerts: 0, groups: 0 });
    expect(await store.pruneAlerts(T0 + 3 * DAY + 1)).toMatchObject({ groupAlerts: 1, groups: 1, alerts: 1 });
  });

  it('answers alert labels from the labels kept beside each alert, and reads an alert kept without them whole', async () => {
    const store = new RedisStore(client(), { prefix: backend.prefix });
    const k = store.keys;
    const relabelled = alert('a1', T0, { labels: { kind: 'other' } });
    expect(await store.putAlerts([alert('a1', T0), relabelled])).toBe(1);
    // Kept with the first record of an id, and only then: a raise again does not relabel it.
    expect(await store.putAlerts([relabelled])).toBe(0);
    expect(await client().hget(k.alertLabels, 'a1')).toBe(JSON.stringify(alert('a1', T0).labels));
    // Without its whole record in the way: the labels alone answer.
    await client().hset(k.alerts, 'a1', JSON.stringify(alert('a1', T0, { summary: 'not read' })));
    await client().hset(k.alertLabels, 'a1', JSON.stringify({ kind: 'from-labels' }));
    // An alert kept before labels were kept beside it is read whole.
    const older = alert('old', T0, { labels: { kind: 'older' } });
    await client().hset(k.alerts, 'old', JSON.stringify(older));
    expect(await store.alertLabels(['old', 'nope', 'a1', 'old'])).toStrictEqual([
      older.labels,
      { kind: 'from-labels' },
      older.labels,
    ]);
    await client().hset(k.alertLabels, 'bad', '{not json');
    await expect(store.alertLabels(['bad'])).rejects.toThrow(/alerts:labels/);
  });

  it('builds the index of groups awaiting clearing once, for groups written before it was kept', async () => {
    const store = new RedisStore(client(), { prefix: backend.prefix });
    const k = store.keys;
    const group = (id: string, firing: boolean) => ({ firstSeenAt: T0, alerts: [{ id, firing, at: T0 }] });
    const stored = (receiver: string, g: ReturnType<typeof group>) => JSON.stringify({ receiver, group: g });
    await client().hset(k.alertGroups, {
      outage: stored('on-call', group('source-health:s1:never', true)),
      matches: stored('desk', group('match:s1:a|r1', true)),
      over: stored('desk', group('indicator:i1:overdue:1', false)),
    });
    expect((await store.alertGroupsAwaitingClearing()).map((e) => e.key)).toEqual(['outage']);
    expect(await client().smembers(k.alertGroupsAwaiting)).toEqual(['outage']);
    // Built once: from now on the index alone says which groups are read.
    await client().hset(k.alertGroups, 'late', stored('desk', group('scenario:risk:fire:1', true)));
    expect((await store.alertGroupsAwaitingClearing()).map((e) => e.key)).toEqual(['outage']);
  });

  it('drops a pruned group from the index of groups awaiting clearing', async () => {
    const store = new RedisStore(client(), { prefix: backend.prefix, alertTtlMs: DAY });
    // An outage of a source the watchbook no longer has: firing, but stopped as pruning sees it.
    await setGroup(
      store,
      'gone',
      { firstSeenAt: T0, alerts: [{ id: 'source-health:s9:never', firing: true, at: T0 }] },
      'on-call',
    );
    expect(await client().smembers(store.keys.alertGroupsAwaiting)).toEqual(['gone']);
    await store.pruneAlerts(T0 + 2 * DAY, (a) => a.at);
    expect(await store.getAlertGroup('gone')).toBeUndefined();
    expect(await client().smembers(store.keys.alertGroupsAwaiting)).toEqual([]);
  });

  it('drops the time index entries with the records it prunes', async () => {
    const store = new RedisStore(client(), { prefix: backend.prefix, alertTtlMs: DAY, sentTtlMs: DAY });
    await store.putAlerts([alert('a1', T0)]);
    await store.recordSend('g', 'desk', { lastSentAt: T0, lastSentIds: ['a1'] }, 'n1');
    await store.claimSend('n2', 'desk', 'w1', 60_000, T0);
    await store.pruneAlerts(T0 + 2 * DAY);
    const k = store.keys;
    for (const key of [
      k.alerts,
      k.alertsByTime,
      k.alertLabels,
      k.sent,
      k.sentByTime,
      k.attempts,
      k.attemptsByTime,
      k.sendLog,
      k.sendLogByTime,
    ])
      expect(await client().exists(key), key).toBe(0);
  });

  it('deletes the digest key of a receiver when its alerts are taken', async () => {
    const store = new RedisStore(client(), { prefix: backend.prefix });
    await store.appendDigestAlerts('analysts', [alert('a1', T0)]);
    await store.takeDigestAlerts('analysts');
    expect(await client().exists(digestAlertsKey(store.keys, 'analysts'))).toBe(0);
  });

  it('expires a silence changed by someone else meanwhile from what it holds then', async () => {
    const store = new RedisStore(client(), { prefix: backend.prefix });
    const s = {
      id: 's1',
      createdAt: T0,
      matchers: { kind: ['match'] },
      starts: T0,
      ends: T0 + DAY,
      author: 'a',
      comment: 'c',
    };
    await store.addSilence(s);
    // A write between expireSilence's read and its compare-and-set: the first try loses and reads again.
    const hget = client().hget.bind(client());
    let raced = false;
    const spy = vi.spyOn(client(), 'hget').mockImplementation(async (key, field) => {
      const value = await hget(key, field);
      if (!raced && key === store.keys.silences) {
        raced = true;
        await client().hset(key, field, JSON.stringify({ ...s, comment: 'edited' }));
      }
      return value;
    });
    try {
      expect(await store.expireSilence('s1', T0 + MIN)).toBe(true);
    } finally {
      spy.mockRestore();
    }
    expect(raced).toBe(true);
    expect(await store.silences()).toStrictEqual([{ ...s, comment: 'edited', ends: T0 + MIN }]);
  });

  it('leaves for the next prune an old silence written again between its read and its delete', async () => {
    const store = new RedisStore(client(), { prefix: backend.prefix, alertTtlMs: DAY });
    const s = {
      id: 's1',
      createdAt: T0,
      matchers: { kind: ['match'] },
      starts: T0,
      ends: T0 + MIN,
      author: 'a',
      comment: 'c',
    };
    await store.addSilence(s);
    const hgetall = client().hgetall.bind(client());
    const spy = vi.spyOn(client(), 'hgetall').mockImplementation(async (key) => {
      const value = await hgetall(key);
      if (key === store.keys.silences) await client().hset(key, 's1', JSON.stringify({ ...s, comment: 'edited' }));
      return value;
    });
    try {
      expect(await store.pruneAlerts(T0 + 2 * DAY)).toMatchObject({ silences: 0 });
    } finally {
      spy.mockRestore();
    }
    expect(await store.silences()).toStrictEqual([{ ...s, comment: 'edited' }]);
    expect(await store.pruneAlerts(T0 + 2 * DAY)).toMatchObject({ silences: 1 });
    expect(await store.silences()).toEqual([]);
  });

  it('takes a prefix without braces and adds them', () => {
    expect(new RedisStore(client(), { prefix: 'test-abc' }).keys.seen).toBe('{test-abc}:seen');
  });

  it('drops expired seen keys at most seenTrimBatch a call', async () => {
    const store = new RedisStore(client(), { prefix: backend.prefix, seenTtlMs: 1000, seenTrimBatch: 2 });
    await store.markSeen(['a', 'b', 'c', 'd', 'e'], T0);
    const seen = async () => (await client().zrange(store.keys.seen, 0, -1)).sort();
    await store.markSeen(['x'], T0 + 5000);
    expect(await seen()).toEqual(['c', 'd', 'e', 'x']);
    expect(await store.markSeen(['e'], T0 + 5000)).toEqual([true]); // expired, not yet trimmed: new all the same
    expect(await seen()).toEqual(['e', 'x']);
    await store.markSeen(['y'], T0 + 5000);
    expect(await seen()).toEqual(['e', 'x', 'y']);
  });

  it('marks a batch larger than one script call', async () => {
    const store = new RedisStore(client(), { prefix: backend.prefix });
    const keys = Array.from({ length: 2500 }, (_, i) => `k${i % 2000}`);
    const replies = await store.markSeen(keys, T0);
    expect(replies.filter(Boolean)).toHaveLength(2000);
    expect(replies.slice(2000).some(Boolean)).toBe(false);
  });

  it('loads a script the server has not seen (NOSCRIPT) and runs it', async () => {
    const script = new LuaScript(`return ARGV[1] .. '${backend.prefix}'`);
    expect(await script.run(client(), [], ['x'])).toBe(`x${backend.prefix}`);
    expect(await script.run(client(), [], ['y'])).toBe(`y${backend.prefix}`);
  });

  it.each([
    ['two hash tags', ['{a}:x', '{b}:y']],
    ['a key without a tag beside one with', ['{a}:x', 'y']],
    ['two keys without a tag', ['x', 'y']],
  ])('refuses a script over %s before Redis runs it (a cluster would refuse it as CROSSSLOT)', async (_name, keys) => {
    const script = new LuaScript(`return redis.call('SET', KEYS[1], '1')`);
    await expect(script.run(client(), keys, [])).rejects.toThrow(
      new StoreError(`a script's keys must share one hash tag, got ${keys.join(', ')}`),
    );
    expect(await client().exists(keys[0]!)).toBe(0);
  });

  it('leaves a client it does not own open, and quits one it owns', async () => {
    await new RedisStore(client(), { prefix: backend.prefix }).close();
    expect(await client().ping()).toBe('PONG');
    const own = testRedis({ maxRetriesPerRequest: null });
    const store = new RedisStore(own, { prefix: backend.prefix, ownsClient: true });
    await store.schedule('kiis', T0);
    const ended = new Promise<void>((resolve) => own.once('end', resolve));
    await store.close();
    await store.close();
    await ended;
    expect(own.status).toBe('end');
  });

  it('reports a Redis failure as a StoreError naming the operation, with the cause', async () => {
    const offline = testRedis({ lazyConnect: true, enableOfflineQueue: false });
    const store = new RedisStore(offline, { prefix: backend.prefix });
    const err: unknown = await store.dueSchedule(T0 + MIN, 10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).message).toMatch(/^store: dueSchedule failed: /);
    expect((err as StoreError).cause).toBeInstanceOf(Error);
    offline.disconnect();
  });

  it('reports a stored value that is not JSON, naming where it was', async () => {
    const store = new RedisStore(client(), { prefix: backend.prefix });
    await client().hset(store.keys.health, 'kiis', '{not json');
    await expect(store.getHealth('kiis')).rejects.toThrow(/store: .*:health kiis holds a value that is not JSON/);
  });
});
