// Items end to end through `signpost worker` processes (the built binary) on Redis, in two rounds, each
// checked against what the core computes in process (bench/worker.ts and bench/pipeline.ts run it):
// - cold: the processes start on the shipped watchbook with loopback sources polled hourly, so each source
//   is fetched once; timed from the spawn (and from the first "Worker started") until every item is scored.
//   Node's start, the watchbook's load, each host's robots.txt and the 1 s politeness pause after it, and a
//   JIT that has seen no item are all in it.
// - warm: the same processes, running on. Every feed moves on to as many new items and every source is made
//   due, as its interval ending would; timed from the first feed request of the round until every new item
//   is scored. This is the rate of a worker that has been running, as the in-process floor (warmed up
//   before it is timed) is the rate of a core that has.
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Item } from '../../src/model/item.js';
import type { Watchbook } from '../../src/model/watchbook.js';
import { expectedFor, type Expected } from '../../test/worker/helpers/expected.js';
import { FeedFixture, rssFeed, type FeedEntry } from '../../test/worker/helpers/feeds.js';
import {
  killAll,
  logsWith,
  signalAndWait,
  spawnWorker,
  type WorkerProcess,
} from '../../test/worker/helpers/processes.js';
import { deleteUnder, randomPrefix, REDIS_URL } from '../../test/worker/helpers/redis.js';
import { makeWatchbookDir } from '../../test/worker/helpers/watchbook.js';
import { sourceId, workerCorpus, type WorkerCorpus } from '../worker-corpus.js';
import { cpuMs, log, redisCpuMs, sleep, type Core } from './common.js';

export interface WorkerRun {
  processes: number;
  seconds: number;
  secondsFromReady: number;
  itemsPerS: number;
  itemsPerSFromReady: number;
  /** Per process, over both rounds. */
  fetches: number[];
  batchesScored: number[];
  /** Seconds of the warm round, from its first feed request until its last item is scored. */
  warmSeconds: number;
  warmItemsPerS: number;
  /**
   * CPU the warm round cost per new item, µs: the worker processes' together (Linux's count, in 10 ms ticks)
   * and the Redis server's (its INFO). With the machine's cores they bound the rate: where the time goes.
   */
  warmCpuUsPerItem: { workers: number; redis: number };
  correct: boolean;
  /** MEMORY USAGE of the seen-set over the items in it, bytes (exact: SAMPLES 0). */
  seenBytesPerItem: number;
}

/** The feeds, the watchbook folder and what the core makes of them: the input of a throughput run. */
export interface Throughput {
  sources: number;
  corpus: WorkerCorpus;
  fixture: FeedFixture;
  ids: string[];
  configDir: string;
  expected: Expected;
  watchbook: Watchbook;
  /** Each source's feed as served, and its items as the worker makes them. */
  feeds: { id: string; url: string; body: string }[];
  batches: Item[][];
  /** The warm round: each source's next feed, and what the core makes of it. */
  next: { feeds: Map<string, FeedEntry[]>; items: number; evidence: Set<string> };
  close(): Promise<void>;
}

export async function prepareThroughput(core: Core, sources: number, perSource: number): Promise<Throughput> {
  const corpus = workerCorpus(sources, perSource);
  const fixture = await FeedFixture.start([...corpus.feeds].map(([id, entries]) => ({ id, entries })));
  const ids = [...Array(sources).keys()].map(sourceId);
  const book = makeWatchbookDir(ids.map((id) => ({ id, url: fixture.url(id), every: '1h' })));
  try {
    const expected = await expectedFor(
      book.dir,
      new Map(ids.map((id) => [id, { url: fixture.url(id), entries: corpus.feeds.get(id)! }])),
    );
    if (expected.allItems !== corpus.items)
      throw new Error(`expected ${corpus.items} items, the feeds make ${expected.allItems}`);
    const nextCorpus = workerCorpus(sources, perSource, 20_261_201, Date.now(), 1);
    const nextExpected = await expectedFor(
      book.dir,
      new Map(ids.map((id) => [id, { url: fixture.url(id), entries: nextCorpus.feeds.get(id)! }])),
    );
    return {
      sources,
      corpus,
      fixture,
      ids,
      configDir: book.dir,
      expected,
      watchbook: core.config.loadWatchbookOrThrow(book.dir, {}),
      feeds: ids.map((id) => ({ id, url: fixture.url(id), body: rssFeed(id, corpus.feeds.get(id)!) })),
      batches: ids.map((id) => expected.items.get(id)!),
      next: { feeds: nextCorpus.feeds, items: nextExpected.allItems, evidence: nextExpected.allEvidence },
      close: async () => {
        await fixture.close();
        book.remove();
      },
    };
  } catch (err) {
    await fixture.close();
    book.remove();
    throw err;
  }
}

export async function workerRun(
  processes: number,
  ctx: { core: Core; redis: Redis; input: Throughput; timeoutMs: number },
): Promise<WorkerRun> {
  const { input } = ctx;
  const items = input.corpus.items;
  const prefix = randomPrefix('bench-worker');
  const keys = ctx.core.store.storeKeys(prefix);
  const score = new Queue('score', { connection: ctx.redis, prefix });
  const workers: WorkerProcess[] = [];
  // New items scored, by the workers' "Items scored" lines (a fetch of one batch scores it, bigger feeds
  // go to score jobs).
  const scored = () => workers.reduce((n, w) => n + sum(logsWith(w, 'Items scored').map((l) => Number(l.fresh))), 0);
  // Every source fetched since `since`, no score job left and `total` items scored: a round is over.
  const waitScored = async (round: string, since: number, total: number): Promise<number> => {
    let lastReport = Date.now();
    for (;;) {
      const dead = workers.find((w) => w.exited());
      if (dead)
        throw new Error(
          `worker ${dead.name} exited early: ${JSON.stringify(dead.exited())} ${dead.text.slice(-5).join(' / ')}`,
        );
      const health = Object.values(await ctx.redis.hgetall(keys.health)).map(
        (v) => JSON.parse(v) as { lastSuccessAt?: number; consecutiveFailures: number },
      );
      const fetched = health.filter((h) => h.lastSuccessAt !== undefined && h.lastSuccessAt >= since).length;
      if (health.some((h) => h.consecutiveFailures > 0))
        throw new Error(`a source failed: ${JSON.stringify(await ctx.redis.hgetall(keys.health))}`);
      if (fetched === input.sources) {
        const c = await score.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
        const n = (k: string) => c[k] ?? 0;
        if (n('failed') > 0) throw new Error(`${n('failed')} score job(s) failed`);
        if (n('waiting') + n('active') + n('delayed') + n('prioritized') === 0 && scored() >= total) return Date.now();
      }
      if (Date.now() - lastReport >= 1000) {
        lastReport = Date.now();
        log(
          `  ${processes} process(es), ${round}: ${fetched}/${input.sources} sources fetched, ${await ctx.redis.zcard(keys.seen)} items seen`,
        );
      }
      if (Date.now() - t0 > ctx.timeoutMs)
        throw new Error(`run with ${processes} process(es) did not finish within ${ctx.timeoutMs} ms`);
      await sleep(20);
    }
  };
  // The cold round's feeds, whatever an earlier run left served.
  for (const [id, entries] of input.corpus.feeds) input.fixture.serve(id, entries);
  const t0 = Date.now();
  try {
    for (let i = 0; i < processes; i++)
      workers.push(spawnWorker(`w${i + 1}`, { config: input.configDir, prefix, redisUrl: REDIS_URL }));
    const done = await waitScored('cold', 0, items);
    const ready = Math.min(...workers.map((w) => Number(logsWith(w, 'Worker started')[0]?.time ?? t0)));
    const coldEvidence = await ctx.redis.hlen(keys.evidence);

    // The warm round: the feeds move on and every source falls due.
    const requestsBefore = input.fixture.requests.length;
    for (const [id, entries] of input.next.feeds) input.fixture.serve(id, entries);
    const cpuOf = async () => ({
      workers: workers.reduce((ms, w) => ms + (cpuMs(w.pid) ?? NaN), 0),
      redis: await redisCpuMs(ctx.redis),
    });
    const cpuBefore = await cpuOf();
    const due = Date.now();
    const store = new ctx.core.store.RedisStore(ctx.redis, { prefix });
    for (const id of input.ids) await store.reschedule(id, due);
    const warmDone = await waitScored('warm', due, items + input.next.items);
    const cpuAfter = await cpuOf();
    const warmStart = Math.min(...input.fixture.requests.slice(requestsBefore).map((r) => r.startedAt));

    const seenCount = await ctx.redis.zcard(keys.seen);
    const seenBytes = Number(await ctx.redis.call('MEMORY', 'USAGE', keys.seen, 'SAMPLES', '0'));
    const evidenceIds = await ctx.redis.hkeys(keys.evidence);
    const evidence = new Set([...input.expected.allEvidence, ...input.next.evidence]);
    const all = items + input.next.items;
    const correct =
      coldEvidence === input.expected.allEvidence.size &&
      seenCount === all &&
      evidenceIds.length === evidence.size &&
      evidenceIds.every((id) => evidence.has(id));
    if (!correct)
      log(
        `  WRONG: ${seenCount}/${all} items seen, ${evidenceIds.length}/${evidence.size} evidence (${coldEvidence}/${input.expected.allEvidence.size} after the cold round)`,
      );
    const seconds = (done - t0) / 1000;
    const secondsFromReady = (done - ready) / 1000;
    const warmSeconds = (warmDone - warmStart) / 1000;
    const run: WorkerRun = {
      processes,
      seconds,
      secondsFromReady,
      itemsPerS: items / seconds,
      itemsPerSFromReady: items / secondsFromReady,
      warmSeconds,
      warmItemsPerS: input.next.items / warmSeconds,
      warmCpuUsPerItem: {
        workers: ((cpuAfter.workers - cpuBefore.workers) * 1000) / input.next.items,
        redis: ((cpuAfter.redis - cpuBefore.redis) * 1000) / input.next.items,
      },
      fetches: workers.map((w) => logsWith(w, 'Source fetched').length),
      batchesScored: workers.map((w) => logsWith(w, 'Items scored').length),
      correct,
      seenBytesPerItem: seenBytes / Math.max(1, seenCount),
    };
    for (const w of workers) {
      const exit = await signalAndWait(w, 'SIGTERM', 25_000);
      if (exit.code !== 0) log(`  worker ${w.name} exited ${JSON.stringify(exit)}`);
    }
    return run;
  } finally {
    await killAll(workers);
    await score.close();
    await deleteUnder(ctx.redis, prefix);
  }
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
