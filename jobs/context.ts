// What every job handler gets: the shared parts of one worker process.
import type { Logger } from 'pino';
import type { Fetcher } from '../src/fetch/index.js';
import type { SendContext } from '../src/pipeline/send-once.js';
import type { Queues } from '../src/queue/index.js';
import type { FeedbackStore, Store } from '../src/store/index.js';
import type { Live } from '../src/pipeline/live.js';

/** What every job handler gets: the shared parts of one worker process. */
export interface JobContext {
  live: Live;
  store: Store;
  /** Where items no rule matched are kept for analysts to judge; absent, they are not kept. */
  feedback?: FeedbackStore;
  queues: Queues;
  fetcher: Fetcher;
  log: Logger;
  /** The clock; tests replace it. */
  now(): number;
}

/** What the delivery jobs get besides: the mail settings (sendOnce). */
export interface DeliverContext extends JobContext, SendContext {}
