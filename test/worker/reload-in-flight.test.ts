// A reload that drops a source while that source's fetch is in flight: when the fetch ends, the source must
// stay dropped. The fetch once wrote its next check back into the schedule, bringing the removed source back
// for good (polled every interval, and counted as scheduled so that a source truly missing went unnoticed).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startWorker, type RunningWorker } from '../../jobs/worker.js';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import { openQueues } from '../../src/queue/index.js';
import { RedisStore } from '../../src/store/index.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { deleteUnder, randomPrefix, REDIS_URL, until } from './helpers/redis.js';
import { makeWatchbookDir, type WatchbookDir } from './helpers/watchbook.js';

const prefix = randomPrefix('reload-in-flight');
const requests = new Map<string, number>();
let releaseHeld: () => void = () => undefined;
const held = new Promise<void>((resolve) => (releaseHeld = resolve));

const rss = (id: string) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>${id}</title><item><guid>${id}-1</guid><title>Storm closes schools in Lviv</title></item></channel></rss>`;

let server: TestServer;
let book: WatchbookDir;
let redis: Redis;
let worker: RunningWorker | undefined;

afterAll(async () => {
  releaseHeld();
  await worker?.stop();
  await deleteUnder(redis, prefix);
  redis.disconnect();
  await server.close();
  book.remove();
});

describe('a source dropped by a reload while it is being fetched', () => {
  it('is not scheduled again when its fetch ends, and is polled no more', async () => {
    server = await startServer((req, res) => {
      const id = /^\/(\w+)\.xml$/.exec(req.url ?? '')?.[1];
      if (!id) return void res.writeHead(404).end();
      requests.set(id, (requests.get(id) ?? 0) + 1);
      // The first fetch of `held` waits until the test has reloaded the watchbook without it.
      const answer = () => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(id));
      if (id === 'held') void held.then(answer);
      else answer();
    });
    const source = (id: string) => ({ id, url: `${server.url}/${id}.xml`, every: '1s' });
    book = makeWatchbookDir([source('held'), source('other')]);
    redis = new Redis(REDIS_URL);
    const store = new RedisStore(redis, { prefix });
    worker = await startWorker({
      configPath: book.dir,
      watchbook: loadWatchbookOrThrow(book.dir),
      redisUrl: REDIS_URL,
      prefix,
      tickMs: 1_000,
      minDelayMs: 0,
      log: pino({ level: 'silent' }),
      shutdownGraceMs: 5_000,
    });

    await until('the fetch of held to reach the server', () => requests.get('held'), 30_000);
    const edited = makeWatchbookDir([source('other')]);
    writeFileSync(join(book.dir, 'watchbook.yaml'), readFileSync(join(edited.dir, 'watchbook.yaml')));
    edited.remove();
    await until(
      'the reload to drop held from the schedule',
      async () => {
        const scheduled = await store.scheduled();
        return scheduled.held === undefined && scheduled.other !== undefined ? true : undefined;
      },
      30_000,
    );
    expect(worker.watchbook().sources.map((s) => s.id)).toEqual(['other']);

    releaseHeld();
    const queues = openQueues(redis, prefix);
    try {
      await until(
        'the fetch of held to end',
        async () => {
          const done = await queues.fetch.getJobs(['completed', 'failed']);
          return done.some((j) => j.data.source === 'held') ? true : undefined;
        },
        30_000,
      );
    } finally {
      await queues.close();
    }
    // Some more polls of the source that stayed: held must be neither scheduled nor fetched again.
    const otherBefore = requests.get('other') ?? 0;
    await until(
      'more polls of other',
      () => ((requests.get('other') ?? 0) >= otherBefore + 3 ? true : undefined),
      30_000,
    );
    expect(Object.keys(await store.scheduled())).toEqual(['other']);
    expect(requests.get('held')).toBe(1);
  }, 90_000);
});
