// The deliver job: one notification to one receiver, each channel at most once.
import { renderNotificationEmail, renderNotificationSlack, renderNotificationWebhook } from '../src/notify/index.js';
import { QUEUE, type DeliverJob, type Job } from '../src/queue/index.js';
import { channelsFor, sendOnce, type Sent } from '../src/pipeline/send-once.js';
import type { DeliverContext } from './context.js';
import { timed } from './timed.js';

/**
 * Send one notification to one receiver, on each of its channels at most once (see sendOnce): a retry
 * sends only what did not go. Once every channel went, the group's send-log says so, for the "send now?"
 * decision.
 */
export async function deliverAlert(job: Job<DeliverJob>, ctx: DeliverContext): Promise<Delivered> {
  return timed(QUEUE.deliver, ctx, job, () => deliver(job, ctx));
}

/** The channels sent now, skipped (recorded already, or the receiver is gone) and found in doubt. */
export type Delivered = Sent;

async function deliver(job: Job<DeliverJob>, ctx: DeliverContext): Promise<Delivered> {
  const n = job.data.notification;
  const { watchbook } = ctx.live.snapshot();
  const receiver = watchbook.receivers.find((r) => r.id === n.receiver);
  if (!receiver) return { sent: [], skipped: ['receiver removed'], inDoubt: [] };
  const log = ctx.log.child({
    receiver: n.receiver,
    job_id: job.id,
    notification: n.id,
    alerts: n.alerts.length,
    attempt: job.attemptsMade + 1,
  });
  const owner = `${process.pid}:${String(job.id)}:${job.attemptsMade}`;
  const { title: watchTitle, timezone: timeZone } = watchbook.watch;
  const channels = channelsFor(receiver, ctx, {
    email: (from) => renderNotificationEmail(n, { watchTitle, from, timeZone }),
    slack: () => renderNotificationSlack(n, { watchTitle, timeZone }),
    webhook: () => renderNotificationWebhook(n, { watchTitle }),
  });
  const message = { id: n.id, receiver: n.receiver, logKey: n.groupKey, sentIds: n.alerts.map((a) => a.id), owner };
  const out = await sendOnce(ctx, message, channels, log);
  // The group's own send-log, which the "send now?" decision reads: all channels went (or may have).
  await ctx.store.recordSend(
    n.groupKey,
    n.receiver,
    { lastSentAt: ctx.now(), lastSentIds: n.alerts.map((a) => a.id) },
    n.id,
  );
  return out;
}
