// What the evidence retention and the tick's hourly work are tested with: the shipped watchbook, a KIIS
// release that its poll-rejects-concessions rule matches, and the tick run on Redis queues with a clock.
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { pino } from 'pino';
import type { JobContext } from '../../jobs/context.js';
import { Live } from '../../src/pipeline/live.js';
import { tick } from '../../jobs/tick.js';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import { Fetcher } from '../../src/fetch/index.js';
import { toItem } from '../../src/items/index.js';
import type { Item } from '../../src/model/item.js';
import { jobId, openQueues, type Job, type TickJob } from '../../src/queue/index.js';
import { Matcher } from '../../src/rules/index.js';
import type { Store } from '../../src/store/index.js';
import { redisBackend, REDIS_URL } from '../store/backends.js';

export const wb = loadWatchbookOrThrow(new URL('../../config/', import.meta.url).pathname);
export const matcher = new Matcher(wb.rules, wb.cues);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** 10:00 UTC: a multiple of the hour, so T0 + n days + HOUR is the first tick of an hour. */
export const T0 = Date.UTC(2026, 0, 10, 10);

/** A KIIS release, published at `publishedAt` and fetched an hour later. */
export function poll(guid: string, publishedAt: number): Item {
  const source = wb.sources.find((s) => s.id === 'kiis-reports')!;
  const item = toItem(
    {
      guid,
      title: `KIIS poll ${guid}: most Ukrainians reject territorial concessions`,
      published: new Date(publishedAt).toISOString(),
    },
    source,
    new Date(publishedAt + HOUR),
  );
  if (!item) throw new Error(`no item for ${guid}`);
  return item;
}

/** Far beyond every tick of these tests: no source falls due, so a tick enqueues no fetch. */
const NEVER = Date.UTC(2100, 0, 1);

/**
 * Run `body` with `tickAt(slot)`: the tick of a 5 s slot, its clock set to the slot. The store is as a
 * worker leaves it at start (its sentinel written, every source scheduled), with no source due.
 */
export async function withTicks(
  redis: Redis,
  prefix: string,
  store: Store,
  body: (tickAt: (slot: number) => Promise<unknown>) => Promise<void>,
): Promise<void> {
  const queues = openQueues(redis, prefix);
  await store.markStarted(T0);
  for (const source of wb.sources) await store.schedule(source.id, NEVER);
  try {
    let clock = 0;
    const ctx: JobContext = {
      live: new Live(wb),
      store,
      queues,
      fetcher: new Fetcher(),
      log: pino({ level: 'silent' }),
      now: () => clock,
    };
    await body(async (slot) => {
      clock = slot;
      const job = await queues.tick.add('tick', { slot, everyMs: 5_000 }, { jobId: jobId('tick', slot) });
      return tick(job as Job<TickJob>, ctx);
    });
  } finally {
    await queues.close();
  }
}

/**
 * A store on real Redis under a prefix of its own, emptied after each test, and a connection for the queues
 * (BullMQ's workers want maxRetriesPerRequest null); call it inside a describe.
 */
export function onRedis(): { backend: ReturnType<typeof redisBackend>; redis: () => Redis } {
  const backend = redisBackend();
  let redis: Redis | undefined;
  beforeAll(async () => {
    await backend.setup();
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  });
  afterEach(() => backend.reset());
  afterAll(async () => {
    await backend.teardown();
    redis?.disconnect();
  });
  return {
    backend,
    redis: () => {
      if (!redis) throw new Error('onRedis: the connection is made in beforeAll');
      return redis;
    },
  };
}
