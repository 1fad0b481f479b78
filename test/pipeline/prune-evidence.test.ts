import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_HALF_LIFE_MS } from '../../src/config/index.js';
import { evaluateItems, HALF_LIVES_SCORED, pruneEvidence, scoredSpanMs } from '../../src/pipeline/evaluate.js';
import { DATED_AHEAD_MS, DEFAULT_SEEN_TTL_MS, MemoryStore, type Store } from '../../src/store/index.js';
import { type Backend, memoryBackend, redisBackend } from '../store/backends.js';
import { DAY, HOUR, matcher, poll, T0, wb } from './tick-harness.js';

// Evidence retention: the worker keeps evidence exactly as far back as scoring reads it (ten half-lives of
// the longest indicator; 900 days for the shipped watchbook, whose ukraine-polling halves every 90 days),
// purges the rest in the tick's hourly prune (hourly-tick.test.ts), and remembers item keys longer, so an item whose evidence
// went is never taken for new. On the shipped watchbook and the default retention, with an injected clock.
const SPAN = scoredSpanMs(wb.indicators);

const ids = async (store: Store) => (await store.listEvidence(-Infinity, Infinity)).map((e) => e.itemKey);

describe('the evidence retention', () => {
  it('keeps evidence as long as scoring reads it, and item keys longer, for every watchbook the loader accepts', () => {
    expect(HALF_LIVES_SCORED).toBe(10);
    expect(SPAN).toBe(900 * DAY); // ukraine-polling: half_life 90d
    const longest = scoredSpanMs([{ halfLifeMs: MAX_HALF_LIFE_MS }]);
    expect(longest).toBe(1000 * DAY);
    // Evidence goes by its date, item keys by when they were seen, and an item may be dated a day ahead.
    expect(longest + DATED_AHEAD_MS).toBeLessThan(DEFAULT_SEEN_TTL_MS);
    // What the worker builds its store with (both stores check it alike): a seen-set that forgets first is refused.
    expect(() => new MemoryStore({ evidenceTtlMs: longest })).not.toThrow();
    expect(() => new MemoryStore({ evidenceTtlMs: longest, seenTtlMs: longest + DATED_AHEAD_MS })).toThrow(
      /must be longer than evidenceTtlMs/,
    );
    console.info(
      `evidence kept ${SPAN / DAY} days for the shipped watchbook (${HALF_LIVES_SCORED} half-lives of 90d), ${longest / DAY} days at most (half_life ≤ ${MAX_HALF_LIFE_MS / DAY}d); ` +
        `item keys remembered ${DEFAULT_SEEN_TTL_MS / DAY} days`,
    );
  });
});

describe.each<Backend>([redisBackend(), memoryBackend()])('pruneEvidence on $name', (backend) => {
  beforeAll(() => backend.setup());
  afterEach(() => backend.reset());
  afterAll(() => backend.teardown());

  it('drops evidence scoring no longer reads, keeps the rest, and the purged item is never new again', async () => {
    const store = backend.open().store;
    const old = poll('old', T0);
    const recent = poll('recent', T0 + 200 * DAY);
    expect((await evaluateItems([old], wb, matcher, store, T0 + HOUR)).evidence.map((e) => e.rule)).toEqual([
      'poll-rejects-concessions',
    ]);
    expect((await evaluateItems([recent], wb, matcher, store, T0 + 200 * DAY + HOUR)).evidence).toHaveLength(1);

    // Exactly the span after its publication the old evidence is still read by scoring, and stays.
    expect(await pruneEvidence(wb, store, T0 + SPAN)).toBe(0);
    expect(await ids(store)).toEqual([old.key, recent.key]);
    // An hour later it goes; the recent one stays.
    const pruned = T0 + SPAN + HOUR;
    expect(await pruneEvidence(wb, store, pruned)).toBe(1);
    expect(await ids(store)).toEqual([recent.key]);
    expect(await pruneEvidence(wb, store, pruned)).toBe(0);

    // Still in its feed: seen, so not scored again, and its evidence is not recorded anew.
    expect(await store.isSeen([old.key], pruned)).toEqual([true]);
    const again = await evaluateItems([old, recent], wb, matcher, store, pruned);
    expect(again.fresh).toEqual([]);
    expect(again.evidence).toEqual([]);
    expect(await ids(store)).toEqual([recent.key]);

    // The key is remembered seenTtlMs after it was seen: 195 days after its evidence went.
    const forgotten = T0 + HOUR + DEFAULT_SEEN_TTL_MS;
    expect(await store.isSeen([old.key], forgotten)).toEqual([true]);
    expect(await store.isSeen([old.key], forgotten + 1)).toEqual([false]);
    console.info(
      `${backend.name}: evidence of ${new Date(T0).toISOString()} purged at ${new Date(pruned).toISOString()}; its item key remembered until ${new Date(forgotten).toISOString()}, ${((forgotten - pruned) / DAY).toFixed(1)} days longer`,
    );
  });

  it('purges nothing for a watchbook without indicators (it scores nothing)', async () => {
    const store = backend.open().store;
    await evaluateItems([poll('old', T0)], wb, matcher, store, T0 + HOUR);
    expect(await pruneEvidence({ indicators: [] }, store, T0 + 10 * SPAN)).toBe(0);
    expect(await ids(store)).toHaveLength(1);
  });
});
