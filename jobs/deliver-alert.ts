import { classifyError, renderNotificationEmail, renderNotificationSlack, sendEmail, sendSlack, type EmailTransport } from '../src/notify/index.js';
import { QUEUE, UnrecoverableError, type DeliverJob, type Job } from '../src/queue/index.js';
import { COUNTER, countQuietly, jobSeconds, type CounterIncrement } from '../src/store/index.js';
import type { JobContext } from './context.js';

const SEND_TIMEOUT_MS = 20_000;
/** A claim outlives the send timeout, so a live sender is never taken for a dead one. */
const CLAIM_MS = 60_000;

export interface DeliverContext extends JobContext {
  /** The SMTP transport, when SMTP_URL is set. */
  email?: EmailTransport;
  emailFrom: string;
}

/**
 * Send one notification to one receiver, channel by channel (email, Slack). Each channel is claimed before
 * and recorded after its send, so a retry after the Slack webhook failed does not send the email again,
 * and two workers never send the same message. A permanent failure (a 4xx other than 429, a rejected
 * address) stops at once; anything else is retried with backoff, honouring Retry-After.
 */
export async function deliverAlert(job: Job<DeliverJob>, ctx: DeliverContext): Promise<{ sent: string[]; skipped: string[] }> {
  const started = performance.now();
  const counts: CounterIncrement[] = [];
  try {
    return await deliver(job, ctx, counts);
  } finally {
    counts.push(...jobSeconds(QUEUE.deliver, (performance.now() - started) / 1000));
    await countQuietly(ctx.store, counts, (err) => ctx.log.debug({ job_id: job.id, err: (err as Error).message }, 'Counters not written'));
  }
}

async function deliver(job: Job<DeliverJob>, ctx: DeliverContext, counts: CounterIncrement[]): Promise<{ sent: string[]; skipped: string[] }> {
  const n = job.data.notification;
  const { watchbook } = ctx.live.snapshot();
  const receiver = watchbook.receivers.find((r) => r.id === n.receiver);
  if (!receiver) return { sent: [], skipped: ['receiver removed'] };
  const log = ctx.log.child({ receiver: n.receiver, job_id: job.id, notification: n.id });
  const owner = `${process.pid}:${String(job.id)}:${job.attemptsMade}`;
  const sent: string[] = [];
  const skipped: string[] = [];
  const channels: [string, () => Promise<unknown>][] = [];
  if (receiver.email) {
    const to = receiver.email.to;
    channels.push([
      'email',
      () => {
        if (!ctx.email) throw new UnrecoverableError('notify: SMTP_URL is not set, so email receivers cannot be sent to');
        return sendEmail(ctx.email, to, renderNotificationEmail(n, { watchTitle: watchbook.watch.title, from: ctx.emailFrom, timeZone: watchbook.watch.timezone }), { timeoutMs: SEND_TIMEOUT_MS });
      },
    ]);
  }
  if (receiver.slack?.webhook) {
    const webhook = receiver.slack.webhook;
    channels.push(['slack', () => sendSlack(webhook, renderNotificationSlack(n, { watchTitle: watchbook.watch.title, timeZone: watchbook.watch.timezone }), { timeoutMs: SEND_TIMEOUT_MS })]);
  }
  // Every channel is tried, so an SMTP outage does not hold back the Slack message; the job fails after
  // if any did, and its retry skips the channels already recorded as sent.
  const failures: Error[] = [];
  for (const [channel, send] of channels) {
    const who = `${n.receiver}#${channel}`;
    const claim = await ctx.store.claimSend(n.id, who, owner, CLAIM_MS);
    if (claim === 'sent') {
      skipped.push(channel);
      continue;
    }
    if (claim === 'busy') {
      failures.push(new Error(`notify: ${who} is being sent by another worker`));
      continue;
    }
    try {
      await send();
      await ctx.store.recordSend(n.groupKey, who, { lastSentAt: ctx.now(), lastSentIds: n.alerts.map((a) => a.id) }, n.id);
      sent.push(channel);
      counts.push({ name: COUNTER.notifications.name, labels: { receiver: n.receiver, channel, result: 'sent', reason: '' } });
      log.info({ channel, alerts: n.alerts.length }, 'Notification sent');
    } catch (err) {
      await ctx.store.releaseSend(n.id, who, owner);
      if (err instanceof UnrecoverableError) {
        counts.push({ name: COUNTER.notifications.name, labels: { receiver: n.receiver, channel, result: 'failed', reason: 'config' } });
        failures.push(err);
        continue;
      }
      const failure = classifyError(err);
      counts.push({ name: COUNTER.notifications.name, labels: { receiver: n.receiver, channel, result: 'failed', reason: failure.reason } });
      log.warn({ channel, reason: failure.reason, permanent: failure.permanent, attempt: job.attemptsMade + 1 }, failure.message);
      failures.push(failure.permanent ? new UnrecoverableError(failure.message) : failure);
    }
  }
  const retryable = failures.find((f) => !(f instanceof UnrecoverableError));
  if (retryable) throw retryable;
  if (failures.length) throw failures[0]!;
  // The group's own send-log, which the "send now?" decision reads: all channels went.
  await ctx.store.recordSend(n.groupKey, n.receiver, { lastSentAt: ctx.now(), lastSentIds: n.alerts.map((a) => a.id) }, n.id);
  return { sent, skipped };
}
