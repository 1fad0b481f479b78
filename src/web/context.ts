// What the web routes share: the store, the queues, the live watchbook, the clock; and when a tick last ran.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ReloadStatus } from '../model/reload.js';
import type { Watchbook } from '../model/watchbook.js';
import type { Queues } from '../queue/index.js';
import type { FeedbackStore, RedisStore } from '../store/index.js';

/** What every route reads: the store, the queues, the live watchbook. */
export interface WebContext {
  redis: Redis;
  store: RedisStore;
  /** The analysts' judgements and the recent unmatched items. */
  feedback: FeedbackStore;
  queues: Queues;
  watchbook: () => Watchbook;
  reloadStatus?: () => ReloadStatus;
  /** A tick older than this makes /readyz fail. */
  tickStaleMs: number;
  now: () => number;
  /** How often the overview's script asks for changes. */
  pollMs: number;
  log: Logger;
}

/** When a tick last ran: the newest finished tick job, else the newest scenario state. */
export async function lastTickAt(ctx: WebContext): Promise<number | undefined> {
  const [job] = await ctx.queues.tick.getJobs(['completed'], 0, 0, false);
  const finished = job?.finishedOn ?? job?.timestamp;
  if (finished !== undefined) return finished;
  return (await ctx.store.latestScenarioState())?.at;
}
