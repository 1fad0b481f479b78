// A publisher edits an entry (issue 12): the worker polls a loopback feed, alerts its entry, then the same
// feed is served with the entry's title edited under the same GUID, listed alone or beside the original.
// The edit is the same item: no second alert is raised.
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type RunningWorker } from '../../jobs/worker.js';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import { openQueues, type Queues } from '../../src/queue/index.js';
import { RedisStore } from '../../src/store/index.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { makeAlertWatchbookDir } from './helpers/alert-watchbook.js';
import { rssFeed, type FeedEntry } from './helpers/feeds.js';
import { deleteUnder, randomPrefix, REDIS_URL, until } from './helpers/redis.js';
import type { WatchbookDir } from './helpers/watchbook.js';

const PREFIX = randomPrefix('test-edited');
const PUBLISHED = new Date(Date.now() - 3_600_000);
const ORIGINAL: FeedEntry = {
  guid: 'urn:kiis:1561',
  link: 'https://www.kiis.com.ua/?id=1561',
  title: 'KIIS poll: most Ukrainians reject territorial concessions',
  published: PUBLISHED,
};
const EDITED: FeedEntry = {
  ...ORIGINAL,
  title: 'KIIS poll: most Ukrainians reject territorial concessions, survey finds (updated)',
};

let feed: TestServer;
/** What the feed answers with now, and how many requests it has answered with it. */
let served = { entries: [ORIGINAL], requests: 0 };
let redis: Redis;
let store: RedisStore;
let queues: Queues;
let book: WatchbookDir;
let worker: RunningWorker;

beforeAll(async () => {
  feed = await startServer((req, res) => {
    if (req.url !== '/feed.xml') return void res.writeHead(404).end();
    served.requests++;
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('KIIS', served.entries));
  });
  book = makeAlertWatchbookDir({
    sources: [{ id: 'kiis', url: `${feed.url}/feed.xml`, every: '1s' }],
    routes: {
      receiver: 'desk',
      group_by: ['indicator'],
      group_wait: '1s',
      group_interval: '1s',
      repeat_interval: '1h',
    },
    // Never reached: the test reads the alerts the store holds, which is what a delivery would send.
    receivers: { desk: { slack: { webhook: 'http://127.0.0.1:9/hook' } } },
  });
  redis = new Redis(REDIS_URL);
  store = new RedisStore(redis, { prefix: PREFIX });
  queues = openQueues(redis, PREFIX);
  worker = await startWorker({
    configPath: book.dir,
    watchbook: loadWatchbookOrThrow(book.dir),
    redisUrl: REDIS_URL,
    prefix: PREFIX,
    tickMs: 1_000,
    minDelayMs: 0,
    log: pino({ level: 'silent' }),
    shutdownGraceMs: 5_000,
    reload: false,
  });
}, 30_000);

afterAll(async () => {
  await worker?.stop();
  await queues?.close();
  await deleteUnder(redis, PREFIX);
  redis.disconnect();
  await feed.close();
  book.remove();
});

/** The ids of the match alerts raised so far, in every group. */
async function matchAlerts(): Promise<string[]> {
  const groups = await store.alertGroups();
  return groups.flatMap((g) => g.group.alerts.map((a) => a.id)).filter((id) => id.startsWith('match:'));
}

/** Serve `entries` until two fetches have had them, then wait for every score job to be done. */
async function serveAndSettle(entries: FeedEntry[]): Promise<void> {
  served = { entries, requests: 0 };
  // A source has one fetch job at a time: once the second request came, the first fetch has handed its
  // items to a score job (if it had new ones).
  await until('two polls of the feed', () => (served.requests >= 2 ? true : undefined), 30_000);
  await until(
    'the score jobs to be done',
    async () => {
      const counts = await queues.score.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(counts).every((n) => n === 0) ? true : undefined;
    },
    30_000,
  );
}

describe('an entry its publisher edits', () => {
  it('is alerted once, whether the edit comes alone or listed beside the original', async () => {
    const first = await until(
      'the first alert',
      async () => {
        const ids = await matchAlerts();
        return ids.length > 0 ? ids : undefined;
      },
      30_000,
    );
    expect(first).toHaveLength(1);

    await serveAndSettle([EDITED]);
    expect(await matchAlerts()).toEqual(first);

    await serveAndSettle([EDITED, ORIGINAL]);
    expect(await matchAlerts()).toEqual(first);
  }, 90_000);
});
