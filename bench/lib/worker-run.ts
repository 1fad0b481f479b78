// Items end to end through `signpost worker` processes (the built binary) on Redis: the same feeds, the
// shipped watchbook with loopback sources polled hourly, so each source is fetched once a run; timed from
// the spawn (and from the first "Worker started") until every item is scored, then checked against what
// the core computes in process (bench/worker.ts and bench/pipeline.ts run it).
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Item } from '../../src/model/item.js';
import type { Watchbook } from '../../src/model/watchbook.js';
import { expectedFor, type Expected } from '../../test/worker/helpers/expected.js';
import { FeedFixture, rssFeed } from '../../test/worker/helpers/feeds.js';
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
import { log, sleep, type Core } from './common.js';

export interface WorkerRun {
  processes: number;
  seconds: number;
  secondsFromReady: number;
  itemsPerS: number;
  itemsPerSFromReady: number;
  fetches: number[];
  scoreJobs: number[];
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
  try {
    const t0 = Date.now();
    for (let i = 0; i < processes; i++)
      workers.push(spawnWorker(`w${i + 1}`, { config: input.configDir, prefix, redisUrl: REDIS_URL }));
    let lastReport = t0;
    let done = 0;
    for (;;) {
      const dead = workers.find((w) => w.exited());
      if (dead)
        throw new Error(
          `worker ${dead.name} exited early: ${JSON.stringify(dead.exited())} ${dead.text.slice(-5).join(' / ')}`,
        );
      const health = Object.values(await ctx.redis.hgetall(keys.health)).map(
        (v) => JSON.parse(v) as { lastSuccessAt?: number; consecutiveFailures: number },
      );
      const fetchedAll = health.length === input.sources && health.every((h) => h.lastSuccessAt !== undefined);
      if (health.some((h) => h.consecutiveFailures > 0))
        throw new Error(`a source failed: ${JSON.stringify(await ctx.redis.hgetall(keys.health))}`);
      if (fetchedAll) {
        const c = await score.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed');
        const n = (k: string) => c[k] ?? 0;
        if (n('failed') > 0) throw new Error(`${n('failed')} score job(s) failed`);
        if (n('waiting') + n('active') + n('delayed') + n('prioritized') === 0 && n('completed') >= input.sources) {
          done = Date.now();
          break;
        }
      }
      if (Date.now() - lastReport >= 1000) {
        lastReport = Date.now();
        log(
          `  ${processes} process(es), ${((lastReport - t0) / 1000).toFixed(0)} s: ${health.filter((h) => h.lastSuccessAt !== undefined).length}/${input.sources} sources fetched, ${await ctx.redis.zcard(keys.seen)}/${items} items seen`,
        );
      }
      if (Date.now() - t0 > ctx.timeoutMs)
        throw new Error(`run with ${processes} process(es) did not finish within ${ctx.timeoutMs} ms`);
      await sleep(20);
    }
    const ready = Math.min(...workers.map((w) => Number(logsWith(w, 'Worker started')[0]?.time ?? t0)));
    const seenCount = await ctx.redis.zcard(keys.seen);
    const seenBytes = Number(await ctx.redis.call('MEMORY', 'USAGE', keys.seen, 'SAMPLES', '0'));
    const evidenceIds = await ctx.redis.hkeys(keys.evidence);
    const evidence = input.expected.allEvidence;
    const correct =
      seenCount === items && evidenceIds.length === evidence.size && evidenceIds.every((id) => evidence.has(id));
    if (!correct) log(`  WRONG: ${seenCount}/${items} items seen, ${evidenceIds.length}/${evidence.size} evidence`);
    const seconds = (done - t0) / 1000;
    const secondsFromReady = (done - ready) / 1000;
    const run: WorkerRun = {
      processes,
      seconds,
      secondsFromReady,
      itemsPerS: items / seconds,
      itemsPerSFromReady: items / secondsFromReady,
      fetches: workers.map((w) => logsWith(w, 'Source fetched').length),
      scoreJobs: workers.map((w) => logsWith(w, 'Items scored').length),
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
