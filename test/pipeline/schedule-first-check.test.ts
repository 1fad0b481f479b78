// First checks of new sources (schedule.ts firstCheck, reconcileSchedule): a few are due within a second,
// many are spread evenly over their interval, so a first start of thousands is neither a backlog nor a
// burst. On real Redis, with a clock.
import { afterAll, describe, expect, it } from 'vitest';
import type { Watchbook } from '../../src/model/watchbook.js';
import { FIRST_CHECK_STEP_MS, firstCheck, reconcileSchedule } from '../../src/pipeline/schedule.js';
import { RedisStore } from '../../src/store/index.js';
import { deleteUnder, randomPrefix, testRedis } from '../worker/helpers/redis.js';
import { T0, wb } from './tick-harness.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const STEP = FIRST_CHECK_STEP_MS;

// Table: [behaviour, n, count, interval, first due after now].
const cases: [string, number, number, number, number][] = [
  ['the first of any number is due at once', 0, 20_000, 5 * MIN, 0],
  ['twenty hourly sources come due a step apart, within a second', 19, 20, HOUR, 19 * STEP],
  ['20,000 sources at 5 minutes are spread evenly over the interval', 10_000, 20_000, 5 * MIN, 150_000],
  ['the last of 20,000 is due within the interval', 19_999, 20_000, 5 * MIN, 299_985],
  ['ten sources every second come due a step apart', 5, 10, 1_000, 5 * STEP],
  ['a hundred sources every second come due 10 ms apart', 5, 100, 1_000, 50],
];

describe('firstCheck', () => {
  it.each(cases)('%s', (_name, n, count, every, after) => {
    expect(firstCheck(n, count, every, T0) - T0).toBe(after);
  });
});

describe('reconcileSchedule', () => {
  const redis = testRedis();
  const prefixes: string[] = [];
  afterAll(async () => {
    for (const p of prefixes) await deleteUnder(redis, p);
    redis.disconnect();
  });
  const storeOf = () => {
    const prefix = randomPrefix('first-check');
    prefixes.push(prefix);
    return new RedisStore(redis, { prefix });
  };
  const many = (n: number, every: number): Watchbook => ({
    ...wb,
    sources: Array.from({ length: n }, (_, i) => ({ ...wb.sources[0]!, id: `s${i}`, everyMs: every })),
  });

  it('spreads 20,000 new sources over their 5 minutes, leaves known ones, and drops removed ones', async () => {
    const store = storeOf();
    const book = many(20_000, 5 * MIN);
    await store.schedule('gone', T0);
    await store.schedule('s0', T0 + MIN);
    const { added, removed } = await reconcileSchedule(store, book, T0);
    expect(added).toHaveLength(19_999);
    expect(removed).toEqual(['gone']);
    const at = await store.scheduled();
    expect(Object.keys(at)).toHaveLength(20_000);
    expect(at.s0).toBe(T0 + MIN);
    const offsets = book.sources.slice(1).map((s) => at[s.id]! - T0);
    expect(Math.min(...offsets)).toBe(0);
    expect(Math.max(...offsets)).toBeLessThan(5 * MIN);
    // No second of the spread has more than the steady rate (20,000 per 300 s): no burst.
    const perSecond = new Map<number, number>();
    for (const o of offsets) perSecond.set(Math.floor(o / 1000), (perSecond.get(Math.floor(o / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(Math.ceil(20_000 / 300));
    // Run again (a second process starting): nothing changes.
    expect(await reconcileSchedule(store, book, T0 + 1_000)).toEqual({ added: [], removed: [] });
    expect(await store.scheduled()).toEqual(at);
  });

  it('has a source added on reload due at once, and brings a shrunk interval forward', async () => {
    const store = storeOf();
    await store.schedule('s0', T0 + HOUR);
    const { added } = await reconcileSchedule(store, many(2, 5 * MIN), T0);
    expect(added).toEqual(['s1']);
    expect(await store.scheduled()).toEqual({ s0: T0 + 5 * MIN, s1: T0 });
  });
});
