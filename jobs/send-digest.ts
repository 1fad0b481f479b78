import { buildDigest } from '../src/pipeline/digest.js';
import { classifyError, renderDigestEmail, renderDigestSlack, sendEmail, sendSlack } from '../src/notify/index.js';
import { QUEUE, UnrecoverableError, type DigestJob, type Job } from '../src/queue/index.js';
import { COUNTER, countQuietly, jobSeconds, type CounterIncrement } from '../src/store/index.js';
import { IN_DOUBT, type DeliverContext } from './deliver-alert.js';

const SEND_TIMEOUT_MS = 20_000;
const CLAIM_MS = 60_000;

/**
 * Send a receiver's digest: what it collected since the last one, the picture and its change, source
 * health. Channels are claimed and recorded like notifications, so a retry sends only what did not go, and
 * one cut off between its send and its record is not sent again (in doubt).
 * The collection is cleared, and the mark moved, only once every channel went.
 */
export async function sendDigest(job: Job<DigestJob>, ctx: DeliverContext): Promise<{ alerts: number; sent: string[] }> {
  const started = performance.now();
  const counts: CounterIncrement[] = [];
  try {
    return await digestAndSend(job, ctx, counts);
  } finally {
    counts.push(...jobSeconds(QUEUE.digest, (performance.now() - started) / 1000));
    await countQuietly(ctx.store, counts, (err) => ctx.log.debug({ job_id: job.id, err: (err as Error).message }, 'Counters not written'));
  }
}

async function digestAndSend(job: Job<DigestJob>, ctx: DeliverContext, counts: CounterIncrement[]): Promise<{ alerts: number; sent: string[] }> {
  const { receiver: id, due } = job.data;
  const { watchbook } = ctx.live.snapshot();
  const receiver = watchbook.receivers.find((r) => r.id === id);
  if (!receiver) return { alerts: 0, sent: [] };
  const alerts = await ctx.store.peekDigestAlerts(id);
  const digest = await buildDigest(id, alerts, watchbook, ctx.store, due);
  const sendId = `digest-${id}-${due}`;
  const owner = `${process.pid}:${String(job.id)}:${job.attemptsMade}`;
  const sent: string[] = [];
  const failures: Error[] = [];
  const channels: [string, () => () => Promise<unknown>][] = [];
  if (receiver.email) {
    const to = receiver.email.to;
    channels.push(['email', () => {
      const transport = ctx.email;
      if (!transport) throw new UnrecoverableError('notify: SMTP_URL is not set, so email digests cannot be sent');
      const email = renderDigestEmail(digest, { from: ctx.emailFrom, timeZone: watchbook.watch.timezone });
      return () => sendEmail(transport, to, email, { timeoutMs: SEND_TIMEOUT_MS });
    }]);
  }
  if (receiver.slack?.webhook) {
    const webhook = receiver.slack.webhook;
    channels.push(['slack', () => {
      const payload = renderDigestSlack(digest, { timeZone: watchbook.watch.timezone });
      return () => sendSlack(webhook, payload, { timeoutMs: SEND_TIMEOUT_MS });
    }]);
  }
  const fail = (channel: string, err: unknown): void => {
    const failure = err instanceof UnrecoverableError ? err : classifyError(err);
    const reason = 'reason' in failure ? failure.reason : 'config';
    counts.push({ name: COUNTER.notifications.name, labels: { receiver: id, channel, result: 'failed', reason } });
    ctx.log.warn({ receiver: id, channel, err: failure.message }, 'Digest not sent');
    failures.push('permanent' in failure && failure.permanent ? new UnrecoverableError(failure.message) : failure);
  };
  for (const [channel, prepare] of channels) {
    const who = `${id}#${channel}`;
    let send: () => Promise<unknown>;
    try {
      send = prepare();
    } catch (err) {
      fail(channel, err);
      continue;
    }
    const claim = await ctx.store.claimSend(sendId, who, owner, CLAIM_MS, ctx.now());
    if (claim === 'sent') continue;
    if (claim === 'busy') {
      failures.push(new Error(`notify: the digest for ${who} is being sent by another worker`));
      continue;
    }
    if (claim === 'in-doubt') {
      // At most once, as for notifications (deliver-alert.ts): the attempt cut off may have sent it.
      counts.push({ name: COUNTER.notifications.name, labels: { receiver: id, channel, result: 'in-doubt', reason: '' } });
      ctx.log.warn({ receiver: id, channel, digest: sendId }, IN_DOUBT);
      continue;
    }
    try {
      await send();
    } catch (err) {
      await ctx.store.releaseSend(sendId, who, owner);
      fail(channel, err);
      continue;
    }
    await ctx.store.recordSend(`digest:${id}`, who, { lastSentAt: ctx.now(), lastSentIds: alerts.map((a) => a.id) }, sendId);
    sent.push(channel);
    counts.push({ name: COUNTER.notifications.name, labels: { receiver: id, channel, result: 'sent', reason: '' } });
  }
  const retryable = failures.find((f) => !(f instanceof UnrecoverableError));
  if (retryable) throw retryable;
  if (failures.length) throw failures[0]!;
  // Everything went: clear what this digest carried (alerts that arrived meanwhile stay for the next).
  const taken = await ctx.store.takeDigestAlerts(id);
  const carried = new Set(alerts.map((a) => a.id));
  const later = taken.filter((a) => !carried.has(a.id));
  if (later.length) await ctx.store.appendDigestAlerts(id, later);
  await ctx.store.setDigestMark(id, { at: due, probabilities: Object.fromEntries(digest.scenarios.map((s) => [s.id, s.probability])) });
  ctx.log.info({ receiver: id, alerts: alerts.length, channels: sent }, 'Digest sent');
  return { alerts: alerts.length, sent };
}
