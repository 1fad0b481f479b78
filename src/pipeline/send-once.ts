// Delivery at most once per channel: render, claim, send, record; a send cut off is in doubt, not repeated.
import type { Logger } from 'pino';
import type { Receiver } from '../model/watchbook.js';
import {
  classifyError,
  sendEmail,
  sendSlack,
  sendWebhook,
  type EmailTransport,
  type RenderedEmail,
  type SlackPayload,
  type WebhookPayload,
} from '../notify/index.js';
import { UnrecoverableError } from '../queue/index.js';
import { COUNTED_TTL_MS, COUNTER, countQuietly, type Store } from '../store/index.js';

const SEND_TIMEOUT_MS = 20_000;
/** A claim outlives the send timeout, so a live sender is never taken for a dead one. */
const CLAIM_MS = 60_000;
/** The warning for a channel found in doubt: on-call searches the logs for it. */
export const IN_DOUBT =
  'Notification in doubt, not sent again: an earlier attempt was cut off between its send and its record';

/** What sending needs: the send-log, the clock and the mail settings of the process. */
export interface SendContext {
  store: Store;
  /** The clock; tests replace it. */
  now(): number;
  /** The SMTP transport, when SMTP_URL is set. */
  email?: EmailTransport;
  emailFrom: string;
}

/** A receiver's channel: `prepare` renders the message (and checks what sending needs) and returns the send. */
export interface Channel {
  name: 'email' | 'slack' | 'webhook';
  prepare: () => () => Promise<unknown>;
}

/**
 * A receiver's channels for one message, given how to render it for each. Rendering waits for `prepare`,
 * so a receiver without Slack never renders Block Kit; a missing SMTP_URL is a permanent failure there, as
 * is a webhook without its secret (nothing goes unsigned).
 */
export function channelsFor(
  receiver: Receiver,
  ctx: SendContext,
  render: { email(from: string): RenderedEmail; slack(): SlackPayload; webhook(): WebhookPayload },
): Channel[] {
  const channels: Channel[] = [];
  if (receiver.email) {
    const to = receiver.email.to;
    channels.push({
      name: 'email',
      prepare: () => {
        const transport = ctx.email;
        if (!transport)
          throw new UnrecoverableError('notify: SMTP_URL is not set, so email receivers cannot be sent to');
        const email = render.email(ctx.emailFrom);
        return () => sendEmail(transport, to, email, { timeoutMs: SEND_TIMEOUT_MS });
      },
    });
  }
  if (receiver.slack?.webhook) {
    const webhook = receiver.slack.webhook;
    channels.push({
      name: 'slack',
      prepare: () => {
        const payload = render.slack();
        return () => sendSlack(webhook, payload, { timeoutMs: SEND_TIMEOUT_MS });
      },
    });
  }
  if (receiver.webhook?.url) {
    const target = receiver.webhook;
    channels.push({
      name: 'webhook',
      prepare: () => {
        const payload = render.webhook();
        return () => sendWebhook(target, payload, { timeoutMs: SEND_TIMEOUT_MS, now: () => ctx.now() });
      },
    });
  }
  return channels;
}

/** One message to one receiver: what the send-log keys it by, and what the record says went. */
export interface Message {
  /** Stable across retries: the notification or digest id. */
  id: string;
  receiver: string;
  /** The send-log entry a sent channel updates (the alert group, or the receiver's digest). */
  logKey: string;
  sentIds: string[];
  /** Who is sending: process, job and attempt. */
  owner: string;
}

/** The channels sent now, skipped (recorded already) and found in doubt. */
export interface Sent {
  sent: string[];
  skipped: string[];
  inDoubt: string[];
}

/**
 * Send a message on each channel at most once. Each channel is claimed before and recorded after its send,
 * so a retry after the Slack webhook failed does not send the email again, and two workers never send the
 * same message. A worker killed between a send and its record leaves an attempt behind (store.claimSend):
 * the retry, finding it, does not send again but records the channel as sent in doubt, warns and counts it
 * (signpost_notifications_total{result="in-doubt"}). The message is rendered before the claim, so that
 * window holds the transmission only. A send that failed with an error is released, and retried.
 *
 * Every channel is tried, so an SMTP outage does not hold back the Slack message; then, if any failed, this
 * throws: a retryable failure first, so the job is retried (with backoff, honouring Retry-After), else the
 * permanent one (a 4xx other than 429, a rejected address, missing configuration), which stops the job.
 */
export async function sendOnce(
  ctx: SendContext,
  message: Message,
  channels: readonly Channel[],
  log: Logger,
): Promise<Sent> {
  const out: Sent = { sent: [], skipped: [], inDoubt: [] };
  // Counted at the event, not when the job ends, so a worker killed after a send has counted it; once per
  // event, so a retry that meets the same event (a send recorded, found in doubt) does not count it again.
  // A failure is an event of its attempt (owner: process, job and attempt).
  const counting: Promise<void>[] = [];
  const count = (channel: string, result: string, reason = '') => {
    const event = `notification:${result}:${message.id}:${message.receiver}#${channel}${result === 'failed' ? `:${message.owner}` : ''}`;
    const inc = { name: COUNTER.notifications.name, labels: { receiver: message.receiver, channel, result, reason } };
    counting.push(
      countQuietly(ctx.store, [inc], (err) => log.debug({ err: (err as Error).message }, 'Counters not written'), {
        event,
        ttlMs: COUNTED_TTL_MS,
      }),
    );
  };
  const failures: Error[] = [];
  const fail = (channel: string, err: unknown): void => {
    if (err instanceof UnrecoverableError) {
      count(channel, 'failed', 'config');
      log.warn({ channel }, err.message);
      failures.push(err);
      return;
    }
    const failure = classifyError(err);
    count(channel, 'failed', failure.reason);
    log.warn({ channel, reason: failure.reason, permanent: failure.permanent }, failure.message);
    failures.push(failure.permanent ? new UnrecoverableError(failure.message) : failure);
  };

  for (const { name: channel, prepare } of channels) {
    const who = `${message.receiver}#${channel}`;
    let send: () => Promise<unknown>;
    try {
      send = prepare();
    } catch (err) {
      fail(channel, err);
      continue;
    }
    const claim = await ctx.store.claimSend(message.id, who, message.owner, CLAIM_MS, ctx.now());
    if (claim === 'sent') {
      out.skipped.push(channel);
      continue;
    }
    if (claim === 'busy') {
      failures.push(new Error(`notify: ${message.id} to ${who} is being sent by another worker`));
      continue;
    }
    if (claim === 'in-doubt') {
      out.inDoubt.push(channel);
      count(channel, 'in-doubt');
      log.warn({ channel }, IN_DOUBT);
      continue;
    }
    try {
      await send();
    } catch (err) {
      await ctx.store.releaseSend(message.id, who, message.owner);
      fail(channel, err);
      continue;
    }
    // It went: from here a failure must not release the attempt, or a retry would send it again.
    await ctx.store.recordSend(
      message.logKey,
      who,
      { lastSentAt: ctx.now(), lastSentIds: message.sentIds },
      message.id,
    );
    out.sent.push(channel);
    count(channel, 'sent');
    log.info({ channel }, 'Notification sent');
  }
  await Promise.all(counting);
  const retryable = failures.find((f) => !(f instanceof UnrecoverableError));
  if (retryable) throw retryable;
  if (failures.length) throw failures[0]!;
  return out;
}
