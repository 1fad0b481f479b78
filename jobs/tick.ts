import { jobId, type Job, type TickJob } from '../src/queue/index.js';
import type { JobContext } from './context.js';

/** Sources enqueued per tick at most; the rest wait for the next tick (seconds away). */
const DUE_PER_TICK = 200;

/**
 * The tick: enqueue a fetch for every source whose time has come. A fetch job carries a deduplication id
 * per source, so a source already waiting or being fetched is not enqueued again.
 */
export async function tick(job: Job<TickJob>, ctx: JobContext): Promise<{ enqueued: number }> {
  const due = await ctx.store.dueSources(ctx.now(), DUE_PER_TICK);
  for (const source of due) {
    await ctx.queues.fetch.add('fetch', { source }, { deduplication: { id: jobId('fetch', source) } });
  }
  if (due.length) ctx.log.debug({ slot: job.data.slot, due: due.length }, 'Tick enqueued due sources');
  return { enqueued: due.length };
}
