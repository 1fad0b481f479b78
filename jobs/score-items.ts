import { dispatchAlerts } from '../src/pipeline/dispatch.js';
import { evaluateItems } from '../src/pipeline/evaluate.js';
import { alertsAfterScoring, pictureBefore } from '../src/pipeline/raise.js';
import { UnrecoverableError, type Job, type ScoreJob } from '../src/queue/index.js';
import type { JobContext } from './context.js';

/** Score a fetched batch: new items only (the seen-set decides), their evidence, the scenario picture, and the alerts they raise. */
export async function scoreItems(job: Job<ScoreJob>, ctx: JobContext): Promise<{ fresh: number; evidence: number }> {
  // A payload without items (written by another version, or by hand) will not get better on a retry.
  if (!Array.isArray(job.data.items)) throw new UnrecoverableError(`score job ${job.id} has no items array`);
  const { watchbook, matcher } = ctx.live.snapshot();
  const now = ctx.now();
  const before = await pictureBefore(watchbook, ctx.store);
  const result = await evaluateItems(job.data.items, watchbook, matcher, ctx.store, now);
  await dispatchAlerts(await alertsAfterScoring(result, before, watchbook, ctx.store, now), watchbook, ctx.store, now);
  if (result.fresh.length) {
    const picture = Object.fromEntries(Object.entries(result.state.probabilities).map(([k, p]) => [k, Math.round(p * 1000) / 1000]));
    ctx.log.info({ source_id: job.data.source, job_id: job.id, fresh: result.fresh.length, evidence: result.evidence.length, probabilities: picture }, 'Items scored');
  }
  return { fresh: result.fresh.length, evidence: result.evidence.length };
}
