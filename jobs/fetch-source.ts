// The fetch job: poll one source, score its new items (or hand them to score jobs), record its health and
// schedule its next check.
import { createHash } from 'node:crypto';
import { recordFailure, recordSuccess } from '../src/fetch/index.js';
import { redactText } from '../src/model/redact.js';
import type { Item } from '../src/model/item.js';
import { pollFailure, pollSource } from '../src/pipeline/poll.js';
import { alertsAfterFetch, raiseAlerts } from '../src/pipeline/raise.js';
import { jobId, QUEUE, UnrecoverableError, type FetchJob, type Job } from '../src/queue/index.js';
import { COUNTED_TTL_MS, COUNTER, countQuietly, type CounterIncrement } from '../src/store/index.js';
import type { JobContext } from './context.js';
import { timed } from './timed.js';
import { deliverNow } from './notify-now.js';
import { scoreBatch, type Batch } from './score-items.js';
import { intervalFor, nextCheck } from '../src/pipeline/schedule.js';

/** Items per score job at most: a huge feed is many short jobs, none holding a worker (its lock, its SIGTERM) long. */
export const SCORE_BATCH = 1_000;

export interface FetchOutcome {
  source: string;
  status: 'ok' | 'not-modified' | 'failed' | 'removed';
  items: number;
  reason?: string;
}

/**
 * Fetch one source, score its new items, record its health and validators, and schedule its next check. A
 * failure of the source (timeout, 404, broken feed) is the source's, not the job's: it is recorded and backed
 * off, and the job succeeds. Anything else throws, and BullMQ retries.
 */
export async function fetchSource(job: Job<FetchJob>, ctx: JobContext): Promise<FetchOutcome> {
  return timed(QUEUE.fetch, ctx, job, () => fetchAndRecord(job, ctx));
}

async function fetchAndRecord(job: Job<FetchJob>, ctx: JobContext): Promise<FetchOutcome> {
  const { watchbook } = ctx.live.snapshot();
  const id = job.data.source;
  if (typeof id !== 'string') throw new UnrecoverableError(`fetch job ${job.id} names no source`);
  const source = ctx.live.source(id);
  if (!source) return { source: id, status: 'removed', items: 0 };
  const log = ctx.log.child({ source_id: id, job_id: job.id });
  const [validators, prev] = await Promise.all([ctx.store.getValidators(id), ctx.store.getHealth(id)]);
  const every = intervalFor(source, watchbook, ctx.now());
  try {
    const result = await pollSource(source, {
      fetcher: ctx.fetcher,
      ...(validators && { validators }),
      allowPrivate: watchbook.watch.allowPrivate,
      now: () => ctx.now(),
    });
    const now = ctx.now();
    const items = result.status === 'ok' ? result.items : [];
    // The first poll after Redis lost its data marks its items seen and scores none (schedule.ts).
    const warmedUp =
      items.length > 0 &&
      (await ctx.store.warmUp(
        id,
        items.map((i) => i.key),
        now,
      ));
    if (warmedUp)
      log.info(
        { items: items.length },
        'Source warmed up after Redis lost its data: its items marked seen, none alerted',
      );
    else if (items.length) await scoreFetched(ctx, id, items, log);
    // Next due an interval after the check this fetch served, not after it ended (schedule.ts nextCheck);
    // rescheduled only while still scheduled, so a source a reload dropped meanwhile stays dropped.
    const next = nextCheck(job.data.due, every, now);
    const health = recordSuccess(prev, { source: id, now, items: items.length, nextCheckAt: next });
    await Promise.all([
      ctx.store.setValidators(id, result.validators),
      ctx.store.setHealth(health),
      ctx.store.reschedule(id, next),
    ]);
    await countFetch(job, ctx, [
      { name: COUNTER.fetches.name, labels: { source: id, result: result.status } },
      ...(result.status === 'ok'
        ? [{ name: COUNTER.items.name, labels: { source: id, kind: 'fetched' }, by: items.length }]
        : []),
    ]);
    // Fetched well: an outage alert of this source is resolved.
    await raiseAlerts(alertsAfterFetch(health, source, now), watchbook, ctx.store, now);
    for (const w of result.status === 'ok' ? result.warnings : [])
      log.warn({ warning: w }, 'Source fetched with a warning');
    log.info({ status: result.status, items: items.length }, 'Source fetched');
    return { source: id, status: result.status, items: items.length };
  } catch (err) {
    const found = pollFailure(err);
    if (!found) throw err;
    // The fetcher's messages are redacted already; a parse error's may quote the URL too. What is stored,
    // alerted on and logged never shows a secret of the source.
    const failure = { ...found, message: redactText(found.message, [source]) };
    const now = ctx.now();
    const health = recordFailure(prev, { source: id, now, error: failure, baseIntervalMs: every });
    await Promise.all([ctx.store.setHealth(health), ctx.store.reschedule(id, health.nextCheckAt)]);
    await countFetch(job, ctx, [{ name: COUNTER.fetches.name, labels: { source: id, result: failure.reason } }]);
    const raised = await raiseAlerts(alertsAfterFetch(health, source, now), watchbook, ctx.store, now);
    await deliverNow(ctx, raised.groups);
    log.warn(
      {
        reason: failure.reason,
        failures: health.consecutiveFailures,
        next_check_at: new Date(health.nextCheckAt).toISOString(),
      },
      failure.message,
    );
    return { source: id, status: 'failed', items: 0, reason: failure.reason };
  }
}

/**
 * A fetch's items scored. One batch is scored here: the items need no trip through Redis and back, and until
 * they are scored the fetch has stored neither its validators nor its health, so a process that dies
 * meanwhile leaves the fetch to be retried, and the feed read again, whole. Larger feeds go to score jobs,
 * SCORE_BATCH items each, as does a batch whose step failed here (retried there, with its items).
 */
async function scoreFetched(ctx: JobContext, source: string, items: Item[], log: JobContext['log']): Promise<void> {
  const batches = batchesOf(source, items);
  if (batches.length === 1) {
    try {
      await scoreBatch(batches[0]!, ctx);
      return;
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'Scoring failed in the fetch; its items go to a score job');
    }
  }
  await ctx.queues.score.addBulk(
    batches.map((b) => ({ name: 'score', data: { source, items: b.items }, opts: { jobId: b.id } })),
  );
}

/** A fetch's items SCORE_BATCH at a time, each named by its keys: a retried fetch makes the same batches under the same ids, each scored once. */
function batchesOf(source: string, items: Item[]): Batch[] {
  const batches: Batch[] = [];
  for (let at = 0; at < items.length; at += SCORE_BATCH) {
    const batch = items.slice(at, at + SCORE_BATCH);
    const digest = createHash('sha256')
      .update(batch.map((i) => i.key).join('\n'))
      .digest('base64url')
      .slice(0, 22);
    batches.push({ id: jobId('score', source, digest), source, items: batch });
  }
  return batches;
}

/**
 * A fetch's counts, written when its outcome is recorded rather than when the job ends, so a worker killed
 * later has counted it; once per attempt (an attempt fetches once).
 */
function countFetch(job: Job<FetchJob>, ctx: JobContext, counts: CounterIncrement[]): Promise<void> {
  const event = `fetch:${String(job.id)}:${job.attemptsMade}`;
  return countQuietly(
    ctx.store,
    counts,
    (err) => ctx.log.debug({ job_id: job.id, err: (err as Error).message }, 'Counters not written'),
    { event, ttlMs: COUNTED_TTL_MS },
  );
}
