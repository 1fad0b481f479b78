// What every job does around its work: its duration into the job histogram, written once it ends, quietly.
import type { Job } from '../src/queue/index.js';
import { countQuietly, jobSeconds } from '../src/store/index.js';
import type { JobContext } from './context.js';

/**
 * Run a job's work and count its duration under `queue` (signpost_job_duration_seconds), whether it
 * returned or threw. Counted in one write once the job is done, and never failing it: a counter Redis
 * could not take is logged at debug, and the job's own result or error is what BullMQ sees.
 */
export async function timed<T>(
  queue: string,
  ctx: Pick<JobContext, 'store' | 'log'>,
  job: Pick<Job, 'id'>,
  work: () => Promise<T>,
): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    const seconds = (performance.now() - started) / 1000;
    await countQuietly(ctx.store, jobSeconds(queue, seconds), (err) =>
      ctx.log.debug({ job_id: job.id, err: (err as Error).message }, 'Counters not written'),
    );
  }
}
