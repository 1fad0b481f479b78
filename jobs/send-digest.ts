// The digest job: a receiver's digest built and sent, each channel at most once.
import { buildDigest, type FlaggedRule } from '../src/pipeline/digest.js';
import { renderDigestEmail, renderDigestSlack, renderDigestWebhook } from '../src/notify/index.js';
import { QUEUE, type DigestJob, type Job } from '../src/queue/index.js';
import { flaggedRules } from '../src/store/index.js';
import { channelsFor, sendOnce } from '../src/pipeline/send-once.js';
import type { DeliverContext } from './context.js';
import { timed } from './timed.js';

/**
 * Send a receiver's digest: what it collected since the last one, the picture and its change, source
 * health. Each channel goes at most once, like a notification (see sendOnce), so a retry sends only what
 * did not go.
 * The collection is cleared, and the mark moved, only once every channel went.
 */
export async function sendDigest(
  job: Job<DigestJob>,
  ctx: DeliverContext,
): Promise<{ alerts: number; sent: string[] }> {
  return timed(QUEUE.digest, ctx, job, () => digestAndSend(job, ctx));
}

/** The rules the analysts' judgements flag; none when feedback cannot be read (the digest goes anyway). */
async function flagged(ctx: DeliverContext): Promise<FlaggedRule[]> {
  if (!ctx.feedback) return [];
  try {
    return flaggedRules(await ctx.feedback.judgements());
  } catch (err) {
    ctx.log.warn({ err: (err as Error).message }, 'Feedback not read for the digest');
    return [];
  }
}

async function digestAndSend(job: Job<DigestJob>, ctx: DeliverContext): Promise<{ alerts: number; sent: string[] }> {
  const { receiver: id, due } = job.data;
  const { watchbook } = ctx.live.snapshot();
  const receiver = watchbook.receivers.find((r) => r.id === id);
  if (!receiver) return { alerts: 0, sent: [] };
  const alerts = await ctx.store.peekDigestAlerts(id);
  // Nothing collected: no message, unless the receiver asks for one. The mark stays, so the next digest
  // tells the change since the last one that went.
  if (alerts.length === 0 && !receiver.digestWhenEmpty) {
    ctx.log.info({ receiver: id, job_id: job.id }, 'Digest skipped: nothing collected since the last one');
    return { alerts: 0, sent: [] };
  }
  const digest = await buildDigest(id, alerts, watchbook, ctx.store, due, await flagged(ctx));
  const sendId = `digest-${id}-${due}`;
  const owner = `${process.pid}:${String(job.id)}:${job.attemptsMade}`;
  const timeZone = watchbook.watch.timezone;
  const channels = channelsFor(receiver, ctx, {
    email: (from) => renderDigestEmail(digest, { from, timeZone }),
    slack: () => renderDigestSlack(digest, { timeZone }),
    webhook: () => renderDigestWebhook(digest),
  });
  const log = ctx.log.child({ receiver: id, job_id: job.id, digest: sendId, attempt: job.attemptsMade + 1 });
  const message = { id: sendId, receiver: id, logKey: `digest:${id}`, sentIds: alerts.map((a) => a.id), owner };
  const { sent } = await sendOnce(ctx, message, channels, log);
  // Everything went: clear what this digest carried (alerts that arrived meanwhile stay for the next).
  const taken = await ctx.store.takeDigestAlerts(id);
  const carried = new Set(alerts.map((a) => a.id));
  const later = taken.filter((a) => !carried.has(a.id));
  if (later.length) await ctx.store.appendDigestAlerts(id, later);
  await ctx.store.setDigestMark(id, {
    at: due,
    probabilities: Object.fromEntries(digest.scenarios.map((s) => [s.id, s.probability])),
  });
  ctx.log.info({ receiver: id, alerts: alerts.length, channels: sent }, 'Digest sent');
  return { alerts: alerts.length, sent };
}
