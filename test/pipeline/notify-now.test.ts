// A notification goes when its group's timer says, not at the next tick: after a job raised alerts, the
// groups they joined are decided at once; one due now (group_wait 0s) gets its delivery job, one that waits
// gets a wake job on the tick queue delayed to the end of its wait, which then delivers it. Real Redis and
// BullMQ, an injected clock.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { JobContext } from '../../jobs/context.js';
import { Live } from '../../src/pipeline/live.js';
import { deliverNow, wake } from '../../jobs/notify-now.js';
import { Fetcher } from '../../src/fetch/index.js';
import type { Alert } from '../../src/model/alert.js';
import type { Route, Watchbook } from '../../src/model/watchbook.js';
import { raiseAlerts } from '../../src/pipeline/raise.js';
import { openQueues, type Job } from '../../src/queue/index.js';
import type { WakeJob } from '../../src/queue/queues.js';
import { onRedis, T0, wb as shipped } from './tick-harness.js';

const route = (groupWaitMs: number): Route => ({
  receiver: 'desk',
  match: {},
  continue: false,
  groupBy: ['indicator'],
  groupWaitMs,
  groupIntervalMs: 300_000,
  repeatIntervalMs: 4 * 3_600_000,
  routes: [],
});
const book = (groupWaitMs: number): Watchbook => ({
  ...shipped,
  routes: route(groupWaitMs),
  receivers: [{ id: 'desk', slack: { webhook: 'https://hooks.example.org/desk' } }],
  silences: [],
  inhibitRules: [],
});
const alert: Alert = {
  id: 'match:a',
  kind: 'match',
  labels: {
    kind: 'match',
    indicator: 'ukraine-polling',
    severity: 'high',
    source: 'kiis-reports',
    rule: 'poll-rejects-concessions',
  },
  startsAt: T0,
  summary: 'Poll a',
  explanation: {},
};

describe('deliveries without waiting for the tick', () => {
  const { backend, redis } = onRedis();

  async function withContext(
    groupWaitMs: number,
    body: (ctx: JobContext, setClock: (t: number) => void) => Promise<void>,
  ): Promise<void> {
    const queues = openQueues(redis(), backend.prefix);
    let clock = T0;
    const wb = book(groupWaitMs);
    const ctx: JobContext = {
      live: new Live(wb),
      store: backend.open().store,
      queues,
      fetcher: new Fetcher(),
      log: pino({ level: 'silent' }),
      now: () => clock,
    };
    try {
      await body(ctx, (t) => (clock = t));
    } finally {
      await queues.close();
    }
  }

  it('enqueues the delivery at once when the group wait is 0s, and no wake', async () => {
    await withContext(0, async (ctx) => {
      const raised = await raiseAlerts({ alerts: [alert], cleared: () => false }, ctx.live.watchbook, ctx.store, T0);
      expect(raised.groups).toHaveLength(1);
      expect(await deliverNow(ctx, raised.groups)).toBe(1);
      const deliveries = await ctx.queues.deliver.getJobs(['waiting', 'delayed']);
      expect(deliveries.map((j) => j.data.notification.alerts.map((a) => a.id))).toEqual([['match:a']]);
      expect(deliveries[0]!.id).toBe(deliveries[0]!.data.notification.id);
      expect(await ctx.queues.tick.getJobs(['waiting', 'delayed'])).toEqual([]);
      // Decided again (a retried job, the tick): the same notification, no second delivery job.
      await deliverNow(ctx, raised.groups);
      expect(await ctx.queues.deliver.getJobs(['waiting', 'delayed'])).toHaveLength(1);
    });
  });

  it('leaves a wake job delayed to the end of the group wait, which then delivers', async () => {
    await withContext(30_000, async (ctx, setClock) => {
      const raised = await raiseAlerts({ alerts: [alert], cleared: () => false }, ctx.live.watchbook, ctx.store, T0);
      expect(await deliverNow(ctx, raised.groups)).toBe(0);
      await deliverNow(ctx, raised.groups);
      expect(await ctx.queues.deliver.getJobs(['waiting', 'delayed'])).toEqual([]);
      const wakes = await ctx.queues.tick.getJobs(['waiting', 'delayed']);
      expect(wakes.map((j) => ({ name: j.name, delay: j.opts.delay, data: j.data }))).toEqual([
        { name: 'wake', delay: 30_000, data: { groups: raised.groups } },
      ]);
      setClock(T0 + 30_000);
      expect(await wake(wakes[0] as Job<WakeJob>, ctx)).toEqual({ notifications: 1 });
      expect(
        (await ctx.queues.deliver.getJobs(['waiting'])).map((j) => j.data.notification.alerts.map((a) => a.id)),
      ).toEqual([['match:a']]);
    });
  });

  it('ignores a wake job without a groups list (written by hand or by another version)', async () => {
    await withContext(0, async (ctx) => {
      const job = await ctx.queues.tick.add('wake', { groups: 'x' } as unknown as WakeJob);
      expect(await wake(job as Job<WakeJob>, ctx)).toEqual({ notifications: 0 });
    });
  });
});
