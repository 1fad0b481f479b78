import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFIX, hashTag, keyList, normalizePrefix, StoreError, storeKeys } from '../../src/store/index.js';
import {
  counterField,
  digestAlertsKey,
  fingerprintMember,
  keyFamilies,
  robotsKey,
  pairField,
  parseCounterField,
  sendClaimKey,
  splitFingerprintMember,
} from '../../src/store/keys.js';

describe('storeKeys', () => {
  it('lays out every key under {signpost} by default', () => {
    expect(storeKeys()).toEqual({
      prefix: '{signpost}',
      seen: '{signpost}:seen',
      evidence: '{signpost}:evidence',
      evidenceByTime: '{signpost}:evidence:by-time',
      fingerprints: '{signpost}:fingerprints',
      pictureLog: '{signpost}:picture:log',
      scenarioHistory: '{signpost}:scenario:history',
      scenarioAlert: '{signpost}:scenario:alert',
      indicatorStatus: '{signpost}:indicator:status',
      health: '{signpost}:health',
      validators: '{signpost}:validators',
      schedule: '{signpost}:schedule',
      sentinel: '{signpost}:sentinel',
      warmUp: '{signpost}:warm-up',
      alerts: '{signpost}:alerts',
      alertsByTime: '{signpost}:alerts:by-time',
      alertLabels: '{signpost}:alerts:labels',
      alertGroups: '{signpost}:alert:groups',
      alertGroupsAwaiting: '{signpost}:alert:groups:awaiting',
      alertGroupsAwaitingBuilt: '{signpost}:alert:groups:awaiting:built',
      sendLog: '{signpost}:send:log',
      sendLogByTime: '{signpost}:send:log:by-time',
      sent: '{signpost}:send:sent',
      sentByTime: '{signpost}:send:sent:by-time',
      attempts: '{signpost}:send:attempt',
      attemptsByTime: '{signpost}:send:attempt:by-time',
      silences: '{signpost}:silences',
      digestMarks: '{signpost}:digest:mark',
      counters: '{signpost}:metrics:counters',
    });
    const keys = storeKeys();
    expect(sendClaimKey(keys, 'on-call', 'n1')).toBe('{signpost}:send:claim:on-call:n1');
    expect(digestAlertsKey(keys, 'analysts-digest')).toBe('{signpost}:digest:alerts:analysts-digest');
    expect(keyFamilies(keys)).toEqual([
      '{signpost}:send:claim:',
      '{signpost}:digest:alerts:',
      '{signpost}:metrics:counted:',
      '{signpost}:robots:',
    ]);
    expect(robotsKey(keys, 'https://a.example:8443')).toBe('{signpost}:robots:https%3A%2F%2Fa.example%3A8443');
    expect(DEFAULT_PREFIX).toBe('{signpost}');
  });

  it.each([undefined, 'signpost', 'test-abc', 'app:{tenant-7}', '{x}:y'])(
    'puts every key under prefix %s, and a BullMQ queue key under it, in one hash tag',
    (prefix) => {
      const keys = storeKeys(prefix);
      const tag = hashTag(keys.prefix);
      expect(tag).toBeDefined();
      const perReceiver = ['{x}', 'a:b', '}{', ''].flatMap((r) => [
        sendClaimKey(keys, r, `${r}{n}`),
        digestAlertsKey(keys, r),
      ]);
      const all = [...keyList(keys), ...perReceiver, `${keys.prefix}:fetch-source:wait`, `${keys.prefix}:tick:id`];
      for (const key of all) {
        expect(key.startsWith(`${keys.prefix}:`)).toBe(true);
        expect(hashTag(key)).toBe(tag);
      }
      expect(new Set(keyList(keys)).size).toBe(28);
    },
  );
});

describe('normalizePrefix', () => {
  it.each([
    ['signpost', '{signpost}'],
    ['test-abc', '{test-abc}'],
    ['{signpost}', '{signpost}'],
    ['app:{tenant-7}', 'app:{tenant-7}'],
    ['signpost:', '{signpost}'],
    ['{signpost}:', '{signpost}'],
    ['  spaced ', '{spaced}'],
  ])('%j becomes %j', (given, normalized) => {
    expect(normalizePrefix(given)).toBe(normalized);
  });

  it.each(['', '   ', ':', '{}', 'a{b', 'a}b', '}{', '{}{x'])('refuses %j', (given) => {
    expect(() => normalizePrefix(given)).toThrow(StoreError);
  });
});

describe('hashTag, as Redis Cluster reads it', () => {
  it.each([
    ['{user1000}.following', 'user1000'],
    ['foo{bar}{zap}', 'bar'],
    ['foo{{bar}}zap', '{bar'],
    ['foo{}{bar}', undefined],
    ['no-braces', undefined],
    ['open{only', undefined],
  ])('%s → %s', (key, tag) => {
    expect(hashTag(key)).toBe(tag);
  });
});

describe('fingerprint members', () => {
  it('round-trips a cluster holding the separator', () => {
    expect(splitFingerprintMember(fingerprintMember('a|b', '0123456789abcdef'))).toEqual({
      cluster: 'a|b',
      fingerprint: '0123456789abcdef',
    });
  });

  it('refuses a fingerprint holding the separator', () => {
    expect(() => fingerprintMember('c', 'x|y')).toThrow(StoreError);
  });
});

describe('keys made per receiver', () => {
  const keys = storeKeys();

  it('never makes the same key of two different (receiver, notification) pairs', () => {
    const pairs = [
      ['a:b', 'c'],
      ['a', 'b:c'],
      ['a%3Ab', 'c'],
      ['a', ''],
      ['', 'a'],
    ] as const;
    const claims = pairs.map(([r, n]) => sendClaimKey(keys, r, n));
    expect(new Set(claims).size).toBe(pairs.length);
  });

  it('never makes a per-receiver key equal to a fixed key or one of the other family', () => {
    const fixed = new Set(keyList(keys));
    for (const r of ['mark', 'log', 'sent', 'claim', 'alerts', '']) {
      expect(fixed.has(digestAlertsKey(keys, r))).toBe(false);
      expect(fixed.has(sendClaimKey(keys, r, r))).toBe(false);
    }
    const [claims, digests, , robots] = keyFamilies(keys);
    expect(sendClaimKey(keys, 'r', 'n').startsWith(claims!)).toBe(true);
    expect(digestAlertsKey(keys, 'r').startsWith(digests!)).toBe(true);
    expect(robotsKey(keys, 'http://mark').startsWith(robots!)).toBe(true);
    for (const key of keyList(keys)) for (const family of keyFamilies(keys)) expect(key.startsWith(family)).toBe(false);
  });

  it('joins two strings into a hash field that tells them apart', () => {
    expect(pairField('a', 'b')).not.toBe(pairField('a"', 'b'));
    expect(pairField('x","y', 'z')).not.toBe(pairField('x', 'y","z'));
    expect(JSON.parse(pairField('g:{a="1"}', 'r'))).toEqual(['g:{a="1"}', 'r']);
  });
});

describe('counterField', () => {
  it('encodes a name and its labels sorted by name, whatever order they came in', () => {
    expect(counterField('n', { b: '2', a: '1' })).toBe('["n",["a","1"],["b","2"]]');
    expect(counterField('n', { a: '1', b: '2' })).toBe(counterField('n', { b: '2', a: '1' }));
    expect(counterField('n', {})).toBe('["n"]');
  });

  it.each([
    ['n', { a: 'x"],["b","y' }],
    ['n', { 'a=1,b': '2' }],
    ['n{a="1"}', { '': '' }],
    ['n', { a: '\n\u0000{}|é🙂' }],
  ])('reads back %j %j exactly, and apart from its look-alikes', (name, labels) => {
    const field = counterField(name, labels);
    expect(parseCounterField(field)).toEqual({ name, labels });
  });

  it('keeps apart labels that would run into each other as text', () => {
    expect(counterField('n', { a: 'x","b":"y' })).not.toBe(counterField('n', { a: 'x', b: 'y' }));
    expect(counterField('n', { ab: 'c' })).not.toBe(counterField('n', { a: 'bc' }));
  });

  it('takes a field that is not a counter for none', () => {
    for (const f of ['', 'x', '{}', '[]', '[1]', '["n",["a"]]', '["n",["a",1]]'])
      expect(parseCounterField(f)).toBeUndefined();
  });
});
