// Deliveries without waiting for the tick: a job that raised alerts asks at once whether the groups they
// joined are due (group_wait 0s, or a group whose wait ended before), enqueues what is, and leaves a wake
// job on the tick queue, delayed to the time a waiting group's timer ends, to ask again then. The tick
// still looks at every group, so a wake lost (a Redis hiccup, a job that died) costs a tick, not a message.
import { createHash } from 'node:crypto';
import type { Notification } from '../src/model/alert.js';
import { notificationsDueFor, type GroupRef } from '../src/pipeline/dispatch.js';
import { jobId, QUEUE, type Job } from '../src/queue/index.js';
import type { WakeJob } from '../src/queue/queues.js';
import type { JobContext } from './context.js';
import { timed } from './timed.js';

/** One delivery job per notification, in one round trip; its id is the notification's, so a second decision adds nothing. */
export async function enqueueDeliveries(ctx: JobContext, notifications: readonly Notification[]): Promise<void> {
  if (notifications.length === 0) return;
  await ctx.queues.deliver.addBulk(
    notifications.map((notification) => ({
      name: 'deliver',
      data: { notification },
      opts: { jobId: notification.id },
    })),
  );
}

/**
 * Deliver what of these groups is due now, and wake up when the others' timers end. Never throws: the tick
 * decides every group again within seconds, so a failure here is logged and left to it.
 */
export async function deliverNow(ctx: JobContext, groups: readonly GroupRef[]): Promise<number> {
  if (groups.length === 0) return 0;
  try {
    const now = ctx.now();
    const { due, wake } = await notificationsDueFor(groups, ctx.live.watchbook, ctx.store, now);
    await enqueueDeliveries(ctx, due);
    const byTime = new Map<number, GroupRef[]>();
    for (const { key, receiver, at } of wake) byTime.set(at, [...(byTime.get(at) ?? []), { key, receiver }]);
    for (const [at, refs] of byTime) {
      // One wake per (groups, time): a retried job or a second process asking adds nothing.
      const id = createHash('sha256')
        .update(refs.map((r) => `${r.key}\n${r.receiver}`).join('\n'))
        .digest('base64url')
        .slice(0, 22);
      await ctx.queues.tick.add(
        'wake',
        { groups: refs },
        { jobId: jobId('wake', id, at), delay: Math.max(0, at - now) },
      );
    }
    return due.length;
  } catch (err) {
    ctx.log.warn({ groups: groups.length, err: (err as Error).message }, 'Deliveries left to the next tick');
    return 0;
  }
}

/** A wake job: the groups whose timers ended, decided again. */
export async function wake(job: Job<WakeJob>, ctx: JobContext): Promise<{ notifications: number }> {
  // On the tick queue, so timed as the tick's.
  return timed(QUEUE.tick, ctx, job, async () => ({
    notifications: Array.isArray(job.data.groups) ? await deliverNow(ctx, job.data.groups) : 0,
  }));
}
