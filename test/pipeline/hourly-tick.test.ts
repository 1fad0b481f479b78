import { describe, expect, it } from 'vitest';
import { evaluateItems, scoredSpanMs } from '../../src/pipeline/evaluate.js';
import type { Store } from '../../src/store/index.js';
import { DAY, HOUR, matcher, onRedis, poll, T0, wb, withTicks } from './tick-harness.js';

// The tick's hourly work, at the first tick of each hour: the prune (evidence scoring no longer reads goes;
// prune-evidence.test.ts has the retention itself) and the rescore. Time alone changes the picture:
// evidence decays, and an indicator with `expect` goes overdue when nothing comes, so the rescore shows it
// (and alerts) even when no source brings anything new. On the shipped watchbook (ukraine-polling: expect
// 100d, half_life 90d), with an injected clock.
const SPAN = scoredSpanMs(wb.indicators);

describe('the hourly tick on Redis', () => {
  const { backend, redis } = onRedis();

  it('purges old evidence once an hour, at the first tick of the hour', async () => {
    const store = backend.open().store;
    await evaluateItems([poll('old', T0)], wb, matcher, store, T0 + HOUR);
    await evaluateItems([poll('recent', T0 + 200 * DAY)], wb, matcher, store, T0 + 200 * DAY + HOUR);
    await withTicks(redis(), backend.prefix, store, async (tickAt) => {
      // Two days past the old evidence's span, 10:00:05 UTC: not the hour's first tick, nothing is pruned.
      const hour = T0 + SPAN + 2 * DAY;
      await tickAt(hour + 5_000);
      expect(await store.listEvidence(-Infinity, Infinity)).toHaveLength(2);
      // 11:00:00: the hourly prune.
      await tickAt(hour + HOUR);
      const left = await store.listEvidence(-Infinity, Infinity);
      expect(left.map((e) => e.publishedAt)).toEqual([T0 + 200 * DAY]);
      expect(await store.isSeen([poll('old', T0).key], hour + HOUR)).toEqual([true]);
    });
  });

  it('marks an indicator overdue and alerts on it, and lets the picture decay, with no new items', async () => {
    const store = backend.open().store;
    const scored = await evaluateItems([poll('p1', T0)], wb, matcher, store, T0 + HOUR);
    expect(scored.statuses['ukraine-polling']).toBe('active');
    const prior = Object.fromEntries(wb.scenarios.map((s) => [s.id, s.prior]));
    const moved = (p: Record<string, number>) => Math.abs(p.risk! - prior.risk!);
    expect(moved(scored.state.probabilities)).toBeGreaterThan(0.01);

    await withTicks(redis(), backend.prefix, store, async (tickAt) => {
      // 101 days on, 10:00:05: not the hour's first tick, so the picture stays as the last score left it.
      const hour = T0 + 101 * DAY;
      await tickAt(hour + 5_000);
      expect((await store.indicatorStatuses())['ukraine-polling']).toEqual({ status: 'active', at: T0 + HOUR });
      expect((await store.latestScenarioState())?.at).toBe(T0 + HOUR);

      // 11:00:00: the hourly rescore.
      const rescored = hour + HOUR;
      await tickAt(rescored);
      expect((await store.indicatorStatuses())['ukraine-polling']).toEqual({ status: 'overdue', at: rescored });
      const state = await store.latestScenarioState();
      expect(state?.at).toBe(rescored);
      expect(moved(state!.probabilities)).toBeLessThan(moved(scored.state.probabilities));
      // Named by the status it leaves (active, as evaluated at the last score), dated now.
      const [overdue] = await store.getAlerts([
        `indicator:ukraine-polling:overdue:${new Date(T0 + HOUR).toISOString()}`,
      ]);
      expect(overdue?.startsAt).toBe(rescored);
      expect(overdue?.summary).toMatch(/overdue: nothing for more than 100d \(was active\)/);
      // Routed as the shipped routes say: an indicator alert of low severity waits for the analysts' digest.
      expect((await store.peekDigestAlerts('analysts-digest')).map((a) => a.id)).toContain(overdue!.id);
    });
  });

  it('does the rest of the hourly work when one part fails, and tries that part again the next hour', async () => {
    const store = backend.open().store;
    await evaluateItems([poll('old', T0)], wb, matcher, store, T0 + HOUR);
    await evaluateItems([poll('recent', T0 + 200 * DAY)], wb, matcher, store, T0 + 200 * DAY + HOUR);
    // Redis refuses the alert prune and the picture's read (a failover, say); the rest of the store works.
    const away = () => Promise.reject(new Error('redis away'));
    const failing: Store = Object.create(store, {
      pruneAlerts: { value: away },
      latestScenarioState: { value: away },
    }) as Store;
    const hour = T0 + SPAN + 2 * DAY;
    await withTicks(redis(), backend.prefix, failing, async (tickAt) => {
      await expect(tickAt(hour)).resolves.toEqual({ enqueued: 0, notifications: 0, digests: 0 });
    });
    expect((await store.listEvidence(-Infinity, Infinity)).map((e) => e.publishedAt)).toEqual([T0 + 200 * DAY]);
    expect((await store.latestScenarioState())?.at).toBe(T0 + 200 * DAY + HOUR);
    await withTicks(redis(), backend.prefix, store, async (tickAt) => {
      await tickAt(hour + HOUR);
    });
    expect((await store.latestScenarioState())?.at).toBe(hour + HOUR);
  });
});
