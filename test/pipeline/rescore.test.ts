import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobContext } from '../../jobs/context.js';
import { Live } from '../../jobs/live.js';
import { tick } from '../../jobs/tick.js';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import { Fetcher } from '../../src/fetch/index.js';
import { toItem } from '../../src/items/index.js';
import type { Item } from '../../src/model/item.js';
import { evaluateItems } from '../../src/pipeline/evaluate.js';
import { jobId, openQueues } from '../../src/queue/index.js';
import { Matcher } from '../../src/rules/index.js';
import { REDIS_URL, redisBackend } from '../store/backends.js';

// Time alone changes the picture: evidence decays, and an indicator with `expect` goes overdue when nothing
// comes. The tick rescores once an hour, so that shows (and alerts) even when no source brings anything new.
// On the shipped watchbook (ukraine-polling: expect 100d, half_life 90d), with an injected clock.
const wb = loadWatchbookOrThrow(new URL('../../config/', import.meta.url).pathname);
const matcher = new Matcher(wb.rules);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 10, 10);

function poll(guid: string, publishedAt: number): Item {
  const source = wb.sources.find((s) => s.id === 'kiis-reports')!;
  const item = toItem({ guid, title: `KIIS poll ${guid}: most Ukrainians reject territorial concessions`, published: new Date(publishedAt).toISOString() }, source, new Date(publishedAt + HOUR));
  if (!item) throw new Error(`no item for ${guid}`);
  return item;
}

describe('the hourly rescore on Redis', () => {
  const backend = redisBackend();
  let redis: Redis;
  beforeAll(async () => {
    await backend.setup();
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await backend.teardown();
    redis.disconnect();
  });

  it('marks an indicator overdue and alerts on it, and lets the picture decay, with no new items', async () => {
    const store = backend.open().store;
    const scored = await evaluateItems([poll('p1', T0)], wb, matcher, store, T0 + HOUR);
    expect(scored.statuses['ukraine-polling']).toBe('active');
    const prior = Object.fromEntries(wb.scenarios.map((s) => [s.id, s.prior]));
    const moved = (p: Record<string, number>) => Math.abs(p.risk! - prior.risk!);
    expect(moved(scored.state.probabilities)).toBeGreaterThan(0.01);

    const queues = openQueues(redis, backend.prefix);
    try {
      let clock = 0;
      const ctx: JobContext = { live: new Live(wb), store, queues, fetcher: new Fetcher(), log: pino({ level: 'silent' }), now: () => clock };
      const tickAt = async (slot: number) => {
        clock = slot;
        const job = await queues.tick.add('tick', { slot, everyMs: 5_000 }, { jobId: jobId('tick', slot) });
        return tick(job, ctx);
      };
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
      const [overdue] = await store.getAlerts([`indicator:ukraine-polling:overdue:${new Date(rescored).toISOString()}`]);
      expect(overdue?.summary).toMatch(/overdue: nothing for more than 100d \(was active\)/);
      // Routed as the shipped routes say: an indicator alert of low severity waits for the analysts' digest.
      expect((await store.peekDigestAlerts('analysts-digest')).map((a) => a.id)).toContain(overdue!.id);
    } finally {
      await queues.close();
    }
  });
});
