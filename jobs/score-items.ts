// The score job: a fetched batch through the pipeline, its counters, and the deliveries it makes due. The
// fetch job scores a feed of one batch itself, the same way (fetch-source.ts); bigger feeds come here.
import type { Item } from '../src/model/item.js';
import type { UnmatchedItem } from '../src/model/feedback.js';
import { evaluateItems, type Evaluated } from '../src/pipeline/evaluate.js';
import { QUEUE, UnrecoverableError, type Job, type ScoreJob } from '../src/queue/index.js';
import { COUNTED_TTL_MS, COUNTER, countQuietly, type CounterIncrement } from '../src/store/index.js';
import type { JobContext } from './context.js';
import { timed } from './timed.js';
import { deliverNow } from './notify-now.js';

/** Score a fetched batch: new items only (the seen-set decides), their evidence, the scenario picture, and the alerts they raise. */
export async function scoreItems(job: Job<ScoreJob>, ctx: JobContext): Promise<{ fresh: number; evidence: number }> {
  return timed(QUEUE.score, ctx, job, () => score(job, ctx));
}

function score(job: Job<ScoreJob>, ctx: JobContext): Promise<{ fresh: number; evidence: number }> {
  // A payload without items (written by another version, or by hand) will not get better on a retry.
  if (!Array.isArray(job.data.items)) throw new UnrecoverableError(`score job ${job.id} has no items array`);
  return scoreBatch({ id: String(job.id), source: String(job.data.source), items: job.data.items }, ctx);
}

/** A batch of one source's fetched items, named as its score job is (the id its counts are made once under). */
export interface Batch {
  id: string;
  source: string;
  items: Item[];
}

/** Score a batch: the step on the store, then its counts, its unmatched items and the deliveries it made due. */
export async function scoreBatch(batch: Batch, ctx: JobContext): Promise<{ fresh: number; evidence: number }> {
  const { watchbook, matcher } = ctx.live.snapshot();
  const result = await evaluateItems(batch.items, watchbook, matcher, ctx.store, ctx.now());
  const { source } = batch;
  // Counted as soon as the items are marked seen, once per batch: a retry finds them seen and counts none.
  const counts: CounterIncrement[] = [
    { name: COUNTER.items.name, labels: { source, kind: 'new' }, by: result.fresh.length },
    { name: COUNTER.itemsScored.name, labels: { source, kind: 'new' }, by: result.fresh.length },
    {
      name: COUNTER.itemsScored.name,
      labels: { source, kind: 'duplicate' },
      by: batch.items.length - result.fresh.length,
    },
  ];
  const byRule = new Map<string, number>();
  for (const e of result.evidence) byRule.set(e.rule, (byRule.get(e.rule) ?? 0) + 1);
  for (const [rule, by] of byRule) counts.push({ name: COUNTER.matches.name, labels: { rule }, by });
  const onError = (err: unknown) =>
    ctx.log.debug({ job_id: batch.id, err: (err as Error).message }, 'Counters not written');
  await countQuietly(ctx.store, counts, onError, { event: `score:${batch.id}`, ttlMs: COUNTED_TTL_MS });
  await keepUnmatched(result, ctx, batch.id);
  // What the batch raised goes out now if its group is due, not at the next tick.
  await deliverNow(ctx, result.groups);
  if (result.fresh.length) {
    ctx.log.info(
      {
        source_id: source,
        job_id: batch.id,
        fresh: result.fresh.length,
        evidence: result.evidence.length,
        probabilities: forLog(result.state.probabilities),
      },
      'Items scored',
    );
  }
  return { fresh: result.fresh.length, evidence: result.evidence.length };
}

/** Characters of an unmatched item's summary kept: enough to judge it by, and 500 items stay small. */
const SUMMARY_KEPT = 1_000;

/**
 * The new items no rule matched, kept a while so an analyst can say which should have (the overview's
 * unmatched view). Best effort: the items are scored and seen already, so a failure here is logged, and the
 * job is not retried for it.
 */
async function keepUnmatched(result: Evaluated, ctx: JobContext, jobId: string): Promise<void> {
  if (!ctx.feedback) return;
  const matched = new Set(result.evidence.map((e) => e.itemKey));
  const now = ctx.now();
  const unmatched: UnmatchedItem[] = result.fresh
    .filter((i) => !matched.has(i.key))
    .map((i) => ({
      key: i.key,
      source: i.source,
      title: i.title,
      ...(i.summary && { summary: i.summary.slice(0, SUMMARY_KEPT) }),
      ...(i.url && { url: i.url }),
      lang: i.lang,
      publishedAt: Date.parse(i.publishedAt),
      seenAt: now,
    }));
  if (unmatched.length === 0) return;
  await ctx.feedback
    .addUnmatched(unmatched, now)
    .catch((err: unknown) => ctx.log.warn({ job_id: jobId, err: (err as Error).message }, 'Unmatched items not kept'));
}

/** Scenario probabilities to three places, as the logs show them. */
export function forLog(probabilities: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(probabilities).map(([k, p]) => [k, Math.round(p * 1000) / 1000]));
}
