import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/index.js';
import { redisBackend } from './backends.js';

// isSeen asks without marking: the pipeline asks first and marks last, so a run that dies in between is
// redone. Both stores answer alike.
const DAY = 86_400_000;
const redis = redisBackend();
beforeAll(() => redis.setup());
beforeEach(() => redis.reset());
afterAll(() => redis.teardown());

describe.each([
  ['RedisStore', () => redis.open({ seenTtlMs: 30 * DAY }).store],
  ['MemoryStore', () => new MemoryStore({ seenTtlMs: 30 * DAY })],
])('%s isSeen', (_name, open) => {
  it('answers without marking, and sees what markSeen marked until the seen TTL passes', async () => {
    const store = open();
    const now = Date.UTC(2026, 10, 1);
    expect(await store.isSeen(['a', 'b'], now)).toEqual([false, false]);
    expect(await store.isSeen(['a'], now)).toEqual([false]);
    await store.markSeen(['a'], now);
    expect(await store.isSeen(['a', 'b'], now + DAY)).toEqual([true, false]);
    expect(await store.isSeen(['a'], now + 31 * DAY)).toEqual([false]);
    expect(await store.isSeen([], now)).toEqual([]);
  });
});
