import { notificationsDue } from '../src/pipeline/dispatch.js';
import { jobId, type Job, type TickJob } from '../src/queue/index.js';
import type { JobContext } from './context.js';

/** Sources enqueued per tick at most; the rest wait for the next tick (seconds away). */
const DUE_PER_TICK = 200;

/**
 * The tick: enqueue a fetch for every source whose time has come, and a delivery for every alert group
 * whose time has come. A fetch job carries a deduplication id per source, so a source already waiting or
 * being fetched is not enqueued again; a delivery's job id is its notification's.
 */
export async function tick(job: Job<TickJob>, ctx: JobContext): Promise<{ enqueued: number; notifications: number }> {
  const due = await ctx.store.dueSources(ctx.now(), DUE_PER_TICK);
  for (const source of due) {
    await ctx.queues.fetch.add('fetch', { source }, { deduplication: { id: jobId('fetch', source) } });
  }
  if (due.length) ctx.log.debug({ slot: job.data.slot, due: due.length }, 'Tick enqueued due sources');
  // Alert groups whose time has come: one delivery job per notification, its id the notification's own.
  const notifications = await notificationsDue(ctx.live.watchbook, ctx.store, ctx.now());
  for (const notification of notifications) await ctx.queues.deliver.add('deliver', { notification }, { jobId: notification.id });
  return { enqueued: due.length, notifications: notifications.length };
}
