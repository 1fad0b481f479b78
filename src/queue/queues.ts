// Queue names, job payloads and job options in one place. No other src/ folder imports bullmq.

import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import type { Notification } from '../model/alert.js';
import type { Item } from '../model/item.js';

export const QUEUE = {
  tick: 'tick',
  fetch: 'fetch',
  score: 'score',
  deliver: 'deliver',
  digest: 'digest',
} as const;

export interface TickJob {
  /** The tick's time slot (epoch ms, a multiple of the tick interval): also its job id, so replicas run it once. */
  slot: number;
  /** The tick interval (ms) the slot is a multiple of; 5 s when absent. */
  everyMs?: number;
}

export interface FetchJob {
  source: string;
  /** The check it serves (epoch ms): the next is due one interval after it, not after the fetch ends. */
  due?: number;
}

/**
 * On the tick queue, delayed to when an alert group's wait ends: look at these groups (their keys) again and
 * deliver what is due, so a notification goes when its timer says, not at the next tick after.
 */
export interface WakeJob {
  groups: { key: string; receiver: string }[];
}

export interface ScoreJob {
  source: string;
  items: Item[];
}

/** One notification for one receiver; its job id is the notification id, so a tick that decides it again adds nothing. */
export interface DeliverJob {
  notification: Notification;
}

/** A receiver's digest for the schedule's firing at `due`; its job id is (receiver, due), so it runs once. */
export interface DigestJob {
  receiver: string;
  due: number;
}

/** How long a failed job stays on the job board, where an admin may retry it. */
export const FAILED_KEPT_MS = 7 * 24 * 3_600_000;

// Jobs are kept long enough to look at on the job board and to dedupe, and no longer.
const KEEP: Pick<DefaultJobOptions, 'removeOnComplete' | 'removeOnFail'> = {
  removeOnComplete: { age: 24 * 3600, count: 2_000 },
  removeOnFail: { age: FAILED_KEPT_MS / 1000, count: 5_000 },
};

/**
 * Attempts of a delivery or a digest before it fails for good: 35, so the retries span a day (24.1 h; 18.1 h
 * at the shortest jitter, 30.2 h at the longest). A mail server down overnight, or for a working day, still
 * gets every message once it is back, with no one retrying by hand; past that an admin can, from the job
 * board. After the first eleven waits (2 s doubling, 1.1 h in all) every wait is an hour, so each attempt
 * more adds an hour to the span for one more connection to the server.
 */
export const DELIVER_ATTEMPTS = 35;

const JOB_OPTIONS: Record<keyof typeof QUEUE, DefaultJobOptions> = {
  tick: { ...KEEP, attempts: 1 },
  // A failed fetch is recorded in the source's health and rescheduled with backoff by the job itself;
  // a retry here is for what went wrong around it (Redis, a bug), with jittered exponential backoff.
  fetch: { ...KEEP, attempts: 3, backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 } },
  score: { ...KEEP, attempts: 5, backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 } },
  // A receiver that is down for a while (an SMTP outage) still gets its message: about a day of retries
  // (18.1 to 30.2 h with jitter; deliverSchedule), each waiting at least what the server's Retry-After asked
  // (see deliverBackoff). test/queue/queues.test.ts holds the figures.
  deliver: { ...KEEP, attempts: DELIVER_ATTEMPTS, backoff: { type: 'deliver', delay: 2_000 } },
  digest: { ...KEEP, attempts: DELIVER_ATTEMPTS, backoff: { type: 'deliver', delay: 2_000 } },
};

/** The wait before retry `attemptsMade` (1 after the first failure), without jitter: 2 s doubling, at most an hour. */
function deliverDelayMs(attemptsMade: number): number {
  return Math.min(2_000 * 2 ** Math.max(0, attemptsMade - 1), 3_600_000);
}

/**
 * Exponential backoff with jitter (×0.75 to ×1.25), never shorter than a Retry-After the failure carries;
 * `random` (a number in [0, 1), as Math.random) draws the jitter, so a test can set it.
 */
export function deliverBackoffWith(random: () => number) {
  return (attemptsMade: number, _type: string | undefined, err: Error | undefined): number => {
    const exponential = deliverDelayMs(attemptsMade) * (0.75 + random() / 2);
    const retryAfter = (err as { retryAfterMs?: number } | undefined)?.retryAfterMs;
    return Math.max(exponential, retryAfter ?? 0);
  };
}

/** The backoff BullMQ calls for deliveries and digests. */
export const deliverBackoff = deliverBackoffWith(Math.random);

/** The waits between a delivery's attempts, without Retry-After, at one jitter factor (0.75 to 1.25). */
export function deliverSchedule(jitter = 1): number[] {
  return Array.from({ length: DELIVER_ATTEMPTS - 1 }, (_, i) => deliverDelayMs(i + 1) * jitter);
}

/**
 * The longest a delivery can still be retried after its first attempt: every wait at its longest, then the
 * time a failed job stays on the job board. (A server's Retry-After can stretch a wait beyond this.) The
 * store keeps what was sent longer (StoreOptions.sentTtlMs), so no retry finds its record gone.
 */
export function deliverRetryWindowMs(): number {
  return deliverSchedule(1.25).reduce((a, b) => a + b, 0) + FAILED_KEPT_MS;
}

export interface Queues {
  tick: Queue<TickJob | WakeJob>;
  fetch: Queue<FetchJob>;
  score: Queue<ScoreJob>;
  deliver: Queue<DeliverJob>;
  digest: Queue<DigestJob>;
  close(): Promise<void>;
}

/**
 * The queues, under the store's hash-tagged prefix so they share its Redis Cluster slot. `onError` hears
 * each queue's errors (without a listener BullMQ prints each one, with its stack, to stderr).
 */
export function openQueues(connection: ConnectionOptions, prefix: string, onError?: (err: Error) => void): Queues {
  const open = <T>(name: keyof typeof QUEUE) => {
    const queue = new Queue<T>(QUEUE[name], { connection, prefix, defaultJobOptions: JOB_OPTIONS[name] });
    if (onError) queue.on('error', onError);
    return queue;
  };
  const queues = {
    tick: open<TickJob | WakeJob>('tick'),
    fetch: open<FetchJob>('fetch'),
    score: open<ScoreJob>('score'),
    deliver: open<DeliverJob>('deliver'),
    digest: open<DigestJob>('digest'),
  };
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
