// The tick job: due sources to fetch, due groups and digests to send, and the hourly prune and rescore.
import { cronDueBetween } from '../src/alerts/index.js';
import { notificationsDue, pruneAlerts } from '../src/pipeline/dispatch.js';
import { evaluateItems, pruneEvidence } from '../src/pipeline/evaluate.js';
import { jobId, QUEUE, type Job, type TickJob } from '../src/queue/index.js';
import type { JobContext } from './context.js';
import { timed } from './timed.js';
import { checkSchedule } from '../src/pipeline/schedule.js';
import { enqueueDeliveries } from './notify-now.js';
import { forLog } from './score-items.js';

/**
 * How far back a tick looks for a digest's schedule firing: a few ticks, so a slot whose tick job ran late
 * or not at all is covered by the next; the job id keeps a firing to one digest.
 */
const TICK_LOOKBACK_MS = 60_000;

/**
 * Sources enqueued per tick at most; the rest wait for the next tick (seconds away). 2,000 a 5 s tick is
 * 24,000 polls a minute: 20,000 sources every 5 minutes need 4,000, with room to catch up after a stop.
 */
export const DUE_PER_TICK = 2_000;

/** Fetch jobs added to Redis in one round trip. */
const ADD_BATCH = 500;

/**
 * How often a tick also prunes what alerting and scoring no longer need (retention is counted in days), and
 * rescores the picture with no new items: evidence decays and an indicator goes overdue with time alone.
 */
const PRUNE_EVERY_MS = 3_600_000;

/** Whether the tick of `slot` is the first at or after a multiple of PRUNE_EVERY_MS: one tick an hour. */
export function prunesAt(slot: number, everyMs = 5_000): boolean {
  return Math.floor(slot / PRUNE_EVERY_MS) !== Math.floor((slot - everyMs) / PRUNE_EVERY_MS);
}

/**
 * The tick: see that the schedule is whole (Redis may have lost it); enqueue a fetch for every source whose
 * time has come, and a delivery for every alert group whose time has come; once an hour, prune what
 * alerting and scoring no longer need, and rescore. A fetch job carries a deduplication id per source, so
 * a source already waiting or being fetched is not enqueued again; a delivery's job id is its
 * notification's.
 */
export async function tick(
  job: Job<TickJob>,
  ctx: JobContext,
): Promise<{ enqueued: number; notifications: number; digests: number }> {
  return timed(QUEUE.tick, ctx, job, () => tickOnce(job, ctx));
}

async function tickOnce(
  job: Job<TickJob>,
  ctx: JobContext,
): Promise<{ enqueued: number; notifications: number; digests: number }> {
  // A schedule Redis lost is rebuilt before it is read (schedule.ts checkSchedule: one call when all is well).
  await checkSchedule(ctx.store, ctx.live.watchbook, ctx.now(), ctx.log);
  const due = await enqueueDue(ctx, job.data.everyMs ?? 5_000);
  if (due) ctx.log.debug({ slot: job.data.slot, due }, 'Tick enqueued due sources');
  // Alert groups whose time has come: one delivery job per notification, its id the notification's own.
  const notifications = await notificationsDue(ctx.live.watchbook, ctx.store, ctx.now());
  await enqueueDeliveries(ctx, notifications);
  // Digests whose schedule fired since the previous tick: one job per (receiver, firing).
  const now = ctx.now();
  const { watchbook } = ctx.live.snapshot();
  const since = job.data.slot - TICK_LOOKBACK_MS;
  let digests = 0;
  for (const receiver of watchbook.receivers) {
    if (!receiver.digest) continue;
    const fired = cronDueBetween(receiver.digest, watchbook.watch.timezone, since, now);
    if (fired === undefined) continue;
    await ctx.queues.digest.add(
      'digest',
      { receiver: receiver.id, due: fired },
      { jobId: jobId('digest', receiver.id, fired) },
    );
    digests++;
  }
  if (prunesAt(job.data.slot, job.data.everyMs)) {
    await prune(ctx, job.data.slot);
    await rescore(ctx, job.data.slot);
  }
  return { enqueued: due, notifications: notifications.length, digests };
}

/**
 * A fetch for every source due before the next tick, delayed to its due time, so a source is fetched when
 * it is due rather than at the first tick after; read from the schedule's sorted set by time with a limit,
 * so a tick's work grows with the sources due, not with all of them. A fetch carries the check it serves
 * (its next is due an interval later: schedule.ts nextCheck) and a deduplication id per source, so a source
 * already waiting, delayed or being fetched is not enqueued again.
 */
async function enqueueDue(ctx: JobContext, everyMs: number): Promise<number> {
  const now = ctx.now();
  const due = await ctx.store.dueSchedule(now + everyMs, DUE_PER_TICK);
  for (let at = 0; at < due.length; at += ADD_BATCH) {
    await ctx.queues.fetch.addBulk(
      due.slice(at, at + ADD_BATCH).map(({ source, at: dueAt }) => ({
        name: 'fetch',
        data: { source, due: dueAt },
        opts: { deduplication: { id: jobId('fetch', source) }, ...(dueAt > now && { delay: dueAt - now }) },
      })),
    );
  }
  return due.length;
}

/**
 * Once an hour: what alerting no longer needs (pruneAlerts), and the evidence scoring no longer reads
 * (pruneEvidence). A failure of one never holds back the other, nor the tick's work.
 */
async function prune(ctx: JobContext, slot: number): Promise<void> {
  try {
    const pruned = await pruneAlerts(ctx.live.watchbook, ctx.store, ctx.now());
    ctx.log.info({ slot, ...pruned }, 'Alert records pruned');
  } catch (err) {
    ctx.log.warn({ slot, err: (err as Error).message }, 'Alert records not pruned; the next hour tries again');
  }
  try {
    const evidence = await pruneEvidence(ctx.live.watchbook, ctx.store, ctx.now());
    ctx.log.info({ slot, evidence }, 'Evidence pruned');
  } catch (err) {
    ctx.log.warn({ slot, err: (err as Error).message }, 'Evidence not pruned; the next hour tries again');
  }
}

/**
 * Once an hour: score no new items, for the picture and statuses as of now and the alerts that time alone
 * raises or clears (a scenario decaying below its threshold, an indicator silent past its `expect`), which
 * otherwise wait for a source to bring something new. A failure waits for the next hour.
 */
async function rescore(ctx: JobContext, slot: number): Promise<void> {
  try {
    const { watchbook, matcher } = ctx.live.snapshot();
    const result = await evaluateItems([], watchbook, matcher, ctx.store, ctx.now());
    ctx.log.info(
      { slot, probabilities: forLog(result.state.probabilities), statuses: result.statuses },
      'Picture rescored',
    );
  } catch (err) {
    ctx.log.warn({ slot, err: (err as Error).message }, 'Picture not rescored; the next hour tries again');
  }
}
