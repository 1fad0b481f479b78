import { renderNotificationEmail, renderNotificationSlack, sendEmail, sendSlack } from '../src/notify/index.js';
import { QUEUE, UnrecoverableError, type DeliverJob, type Job } from '../src/queue/index.js';
import { countQuietly, jobSeconds, type CounterIncrement } from '../src/store/index.js';
import { SEND_TIMEOUT_MS, sendOnce, type Channel, type DeliverContext, type Sent } from './send-once.js';

export { IN_DOUBT, type DeliverContext } from './send-once.js';

/**
 * Send one notification to one receiver, on each of its channels at most once (see sendOnce): a retry
 * sends only what did not go. Once every channel went, the group's send-log says so, for the "send now?"
 * decision.
 */
export async function deliverAlert(job: Job<DeliverJob>, ctx: DeliverContext): Promise<Delivered> {
  const started = performance.now();
  const counts: CounterIncrement[] = [];
  try {
    return await deliver(job, ctx, counts);
  } finally {
    counts.push(...jobSeconds(QUEUE.deliver, (performance.now() - started) / 1000));
    await countQuietly(ctx.store, counts, (err) => ctx.log.debug({ job_id: job.id, err: (err as Error).message }, 'Counters not written'));
  }
}

/** The channels sent now, skipped (recorded already, or the receiver is gone) and found in doubt. */
export type Delivered = Sent;

async function deliver(job: Job<DeliverJob>, ctx: DeliverContext, counts: CounterIncrement[]): Promise<Delivered> {
  const n = job.data.notification;
  const { watchbook } = ctx.live.snapshot();
  const receiver = watchbook.receivers.find((r) => r.id === n.receiver);
  if (!receiver) return { sent: [], skipped: ['receiver removed'], inDoubt: [] };
  const log = ctx.log.child({ receiver: n.receiver, job_id: job.id, notification: n.id, alerts: n.alerts.length, attempt: job.attemptsMade + 1 });
  const owner = `${process.pid}:${String(job.id)}:${job.attemptsMade}`;
  const channels: Channel[] = [];
  if (receiver.email) {
    const to = receiver.email.to;
    channels.push({
      name: 'email',
      prepare: () => {
        const transport = ctx.email;
        if (!transport) throw new UnrecoverableError('notify: SMTP_URL is not set, so email receivers cannot be sent to');
        const email = renderNotificationEmail(n, { watchTitle: watchbook.watch.title, from: ctx.emailFrom, timeZone: watchbook.watch.timezone });
        return () => sendEmail(transport, to, email, { timeoutMs: SEND_TIMEOUT_MS });
      },
    });
  }
  if (receiver.slack?.webhook) {
    const webhook = receiver.slack.webhook;
    channels.push({
      name: 'slack',
      prepare: () => {
        const payload = renderNotificationSlack(n, { watchTitle: watchbook.watch.title, timeZone: watchbook.watch.timezone });
        return () => sendSlack(webhook, payload, { timeoutMs: SEND_TIMEOUT_MS });
      },
    });
  }
  const message = { id: n.id, receiver: n.receiver, logKey: n.groupKey, sentIds: n.alerts.map((a) => a.id), owner };
  const out = await sendOnce(ctx, message, channels, log, counts);
  // The group's own send-log, which the "send now?" decision reads: all channels went (or may have).
  await ctx.store.recordSend(n.groupKey, n.receiver, { lastSentAt: ctx.now(), lastSentIds: n.alerts.map((a) => a.id) }, n.id);
  return out;
}
