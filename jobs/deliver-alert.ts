import { classifyError, renderNotificationEmail, renderNotificationSlack, sendEmail, sendSlack, type EmailTransport } from '../src/notify/index.js';
import { QUEUE, UnrecoverableError, type DeliverJob, type Job } from '../src/queue/index.js';
import { COUNTER, countQuietly, jobSeconds, type CounterIncrement } from '../src/store/index.js';
import type { JobContext } from './context.js';

const SEND_TIMEOUT_MS = 20_000;
/** A claim outlives the send timeout, so a live sender is never taken for a dead one. */
const CLAIM_MS = 60_000;
/** The warning for a channel found in doubt: on-call searches the logs for it. */
export const IN_DOUBT = 'Notification in doubt, not sent again: an earlier attempt was cut off between its send and its record';

export interface DeliverContext extends JobContext {
  /** The SMTP transport, when SMTP_URL is set. */
  email?: EmailTransport;
  emailFrom: string;
}

/** A receiver's channel: `prepare` renders the message (and checks what sending needs) and returns the send. */
interface Channel {
  name: 'email' | 'slack';
  prepare: () => () => Promise<unknown>;
}

/**
 * Send one notification to one receiver, channel by channel (email, Slack). Each channel is claimed before
 * and recorded after its send, so a retry after the Slack webhook failed does not send the email again,
 * and two workers never send the same message. A permanent failure (a 4xx other than 429, a rejected
 * address) stops at once; anything else is retried with backoff, honouring Retry-After.
 *
 * At most once: a worker killed between a send and its record leaves an attempt behind (store.claimSend),
 * and the retry, finding it, does not send again but records the channel as sent in doubt, logs a warning
 * and counts it (signpost_notifications_total{result="in-doubt"}). The message was rendered before the
 * claim, so that window holds the transmission only. A send that failed with an error is released, and
 * retried.
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
export interface Delivered {
  sent: string[];
  skipped: string[];
  inDoubt: string[];
}

async function deliver(job: Job<DeliverJob>, ctx: DeliverContext, counts: CounterIncrement[]): Promise<Delivered> {
  const n = job.data.notification;
  const { watchbook } = ctx.live.snapshot();
  const receiver = watchbook.receivers.find((r) => r.id === n.receiver);
  const out: Delivered = { sent: [], skipped: [], inDoubt: [] };
  if (!receiver) return { ...out, skipped: ['receiver removed'] };
  const log = ctx.log.child({ receiver: n.receiver, job_id: job.id, notification: n.id });
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
  // Every channel is tried, so an SMTP outage does not hold back the Slack message; the job fails after
  // if any did, and its retry skips the channels already recorded as sent.
  const failures: Error[] = [];
  const fail = (channel: string, err: unknown): void => {
    if (err instanceof UnrecoverableError) {
      counts.push({ name: COUNTER.notifications.name, labels: { receiver: n.receiver, channel, result: 'failed', reason: 'config' } });
      failures.push(err);
      return;
    }
    const failure = classifyError(err);
    counts.push({ name: COUNTER.notifications.name, labels: { receiver: n.receiver, channel, result: 'failed', reason: failure.reason } });
    log.warn({ channel, reason: failure.reason, permanent: failure.permanent, attempt: job.attemptsMade + 1 }, failure.message);
    failures.push(failure.permanent ? new UnrecoverableError(failure.message) : failure);
  };
  for (const { name: channel, prepare } of channels) {
    const who = `${n.receiver}#${channel}`;
    let send: () => Promise<unknown>;
    try {
      send = prepare();
    } catch (err) {
      fail(channel, err);
      continue;
    }
    const claim = await ctx.store.claimSend(n.id, who, owner, CLAIM_MS, ctx.now());
    if (claim === 'sent') {
      out.skipped.push(channel);
      continue;
    }
    if (claim === 'busy') {
      failures.push(new Error(`notify: ${who} is being sent by another worker`));
      continue;
    }
    if (claim === 'in-doubt') {
      out.inDoubt.push(channel);
      counts.push({ name: COUNTER.notifications.name, labels: { receiver: n.receiver, channel, result: 'in-doubt', reason: '' } });
      log.warn({ channel, alerts: n.alerts.length }, IN_DOUBT);
      continue;
    }
    try {
      await send();
    } catch (err) {
      await ctx.store.releaseSend(n.id, who, owner);
      fail(channel, err);
      continue;
    }
    // It went: from here a failure must not release the attempt, or a retry would send it again.
    await ctx.store.recordSend(n.groupKey, who, { lastSentAt: ctx.now(), lastSentIds: n.alerts.map((a) => a.id) }, n.id);
    out.sent.push(channel);
    counts.push({ name: COUNTER.notifications.name, labels: { receiver: n.receiver, channel, result: 'sent', reason: '' } });
    log.info({ channel, alerts: n.alerts.length }, 'Notification sent');
  }
  const retryable = failures.find((f) => !(f instanceof UnrecoverableError));
  if (retryable) throw retryable;
  if (failures.length) throw failures[0]!;
  // The group's own send-log, which the "send now?" decision reads: all channels went (or may have).
  await ctx.store.recordSend(n.groupKey, n.receiver, { lastSentAt: ctx.now(), lastSentIds: n.alerts.map((a) => a.id) }, n.id);
  return out;
}
