import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import type { Item } from '../model/item.js';

// Queue names, job payloads and job options in one place. No other src/ folder imports bullmq.

export const QUEUE = {
  tick: 'tick',
  fetch: 'fetch',
  score: 'score',
} as const;

export interface TickJob {
  /** The tick's time slot (epoch ms, a multiple of the tick interval): also its job id, so replicas run it once. */
  slot: number;
}

export interface FetchJob {
  source: string;
}

export interface ScoreJob {
  source: string;
  items: Item[];
}

// Jobs are kept long enough to look at on the job board and to dedupe, and no longer.
const KEEP: Pick<DefaultJobOptions, 'removeOnComplete' | 'removeOnFail'> = {
  removeOnComplete: { age: 24 * 3600, count: 2_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5_000 },
};

const JOB_OPTIONS: Record<keyof typeof QUEUE, DefaultJobOptions> = {
  tick: { ...KEEP, attempts: 1 },
  // A failed fetch is recorded in the source's health and rescheduled with backoff by the job itself;
  // a retry here is for what went wrong around it (Redis, a bug), with jittered exponential backoff.
  fetch: { ...KEEP, attempts: 3, backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 } },
  score: { ...KEEP, attempts: 5, backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 } },
};

export interface Queues {
  tick: Queue<TickJob>;
  fetch: Queue<FetchJob>;
  score: Queue<ScoreJob>;
  close(): Promise<void>;
}

/** The queues, under the store's hash-tagged prefix so they share its Redis Cluster slot. */
export function openQueues(connection: ConnectionOptions, prefix: string): Queues {
  const open = <T>(name: keyof typeof QUEUE) => new Queue<T>(QUEUE[name], { connection, prefix, defaultJobOptions: JOB_OPTIONS[name] });
  const queues = { tick: open<TickJob>('tick'), fetch: open<FetchJob>('fetch'), score: open<ScoreJob>('score') };
  return {
    ...queues,
    close: async () => {
      await Promise.all(Object.values(queues).map((q) => q.close()));
    },
  };
}

/** Job ids may not contain ":" in BullMQ. */
export function jobId(...parts: (string | number)[]): string {
  return parts.map((p) => String(p).replace(/:/g, '_')).join('-');
}
