import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFIX, hashTag, keyList, normalizePrefix, StoreError, storeKeys } from '../../src/store/index.js';
import { fingerprintMember, splitFingerprintMember } from '../../src/store/keys.js';

describe('storeKeys', () => {
  it('lays out every key under {signpost} by default', () => {
    expect(storeKeys()).toEqual({
      prefix: '{signpost}',
      seen: '{signpost}:seen',
      evidence: '{signpost}:evidence',
      evidenceByTime: '{signpost}:evidence:by-time',
      fingerprints: '{signpost}:fingerprints',
      scenarioHistory: '{signpost}:scenario:history',
      scenarioAlert: '{signpost}:scenario:alert',
      indicatorStatus: '{signpost}:indicator:status',
      health: '{signpost}:health',
      validators: '{signpost}:validators',
      schedule: '{signpost}:schedule',
    });
    expect(DEFAULT_PREFIX).toBe('{signpost}');
  });

  it.each([undefined, 'signpost', 'test-abc', 'app:{tenant-7}', '{x}:y'])(
    'puts every key under prefix %s, and a BullMQ queue key under it, in one hash tag',
    (prefix) => {
      const keys = storeKeys(prefix);
      const tag = hashTag(keys.prefix);
      expect(tag).toBeDefined();
      const all = [...keyList(keys), `${keys.prefix}:fetch-source:wait`, `${keys.prefix}:tick:id`];
      for (const key of all) {
        expect(key.startsWith(`${keys.prefix}:`)).toBe(true);
        expect(hashTag(key)).toBe(tag);
      }
      expect(new Set(keyList(keys)).size).toBe(10);
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
    expect(splitFingerprintMember(fingerprintMember('a|b', '0123456789abcdef'))).toEqual({ cluster: 'a|b', fingerprint: '0123456789abcdef' });
  });

  it('refuses a fingerprint holding the separator', () => {
    expect(() => fingerprintMember('c', 'x|y')).toThrow(StoreError);
  });
});
