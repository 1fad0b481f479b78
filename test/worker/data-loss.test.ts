// Redis comes back empty under a running worker process (issue 12): every key of the test's prefix deleted,
// as a Redis restarted without persistence would leave it. The worker must notice, rebuild the schedule and
// poll again, say so once in its log, and not alert the items it alerted before: the first poll of each
// source warms up (marks its items seen); an item published after that is alerted as usual.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../src/store/index.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { startWebhookServer, type WebhookServer } from '../helpers/slack.js';
import { makeAlertWatchbookDir } from './helpers/alert-watchbook.js';
import { rssFeed, type FeedEntry } from './helpers/feeds.js';
import { killAll, logsWith, signalAndWait, spawnWorker, type WorkerProcess } from './helpers/processes.js';
import { deleteUnder, randomPrefix, REDIS_URL, until } from './helpers/redis.js';
import type { WatchbookDir } from './helpers/watchbook.js';

const PREFIX = randomPrefix('test-data-loss');
const LOST = 'Redis data lost: schedule rebuilt, first polls warm up';
const published = new Date(Date.now() - 3_600_000);
// Two polls the shipped poll-rejects-concessions rule takes: one alert group (ukraine-polling), one message.
const OLD: FeedEntry[] = [
  { guid: 'kiis-1', title: 'KIIS poll: most Ukrainians reject territorial concessions', published },
  { guid: 'kiis-2', title: 'Razumkov poll: most Ukrainians reject territorial concessions for peace', published },
];
const LATER: FeedEntry = {
  guid: 'kiis-3',
  title: 'Rating poll: most Ukrainians reject territorial concessions to Russia',
  published: new Date(),
};

let entries = [...OLD];
let polls = 0;
let feed: TestServer;
let slack: WebhookServer;
let book: WatchbookDir;
let redis: Redis;
let store: RedisStore;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  feed = await startServer((req, res) => {
    if (req.url !== '/feed.xml') return void res.writeHead(404).end();
    polls++;
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed('KIIS', entries));
  });
  slack = await startWebhookServer((_req, res) => void res.writeHead(200).end('ok'));
  book = makeAlertWatchbookDir({
    sources: [{ id: 'kiis', url: `${feed.url}/feed.xml`, every: '1s' }],
    routes: {
      receiver: 'desk',
      group_by: ['indicator'],
      group_wait: '1s',
      group_interval: '1s',
      repeat_interval: '1h',
    },
    receivers: { desk: { slack: { webhook: `${slack.url}/hook` } } },
  });
  redis = new Redis(REDIS_URL);
  store = new RedisStore(redis, { prefix: PREFIX });
});

afterAll(async () => {
  if (worker) await signalAndWait(worker, 'SIGTERM', 30_000).catch(() => killAll([worker!]));
  await deleteUnder(redis, PREFIX);
  redis.disconnect();
  await Promise.all([feed.close(), slack.close()]);
  book.remove();
});

/** The match alerts the store holds now, by the title they were raised for. */
async function alertedTitles(): Promise<string[]> {
  const groups = await store.alertGroups();
  const ids = groups.flatMap((g) => g.group.alerts.map((a) => a.id)).filter((id) => id.startsWith('match:'));
  return (await store.getAlerts(ids)).map((a) => a.explanation.title ?? a.summary).sort();
}

/** Polls of the feed after now: resolves once `n` more have begun. */
function polled(n: number, what: string): Promise<true> {
  const target = polls + n;
  return until(what, () => (polls >= target ? true : undefined), 60_000, {
    describe: () => `${polls} polls, want ${target}`,
  });
}

describe('a worker whose Redis comes back empty', () => {
  it('polls again, warms up without alerting old items, says so once, and alerts what is new after', async () => {
    worker = spawnWorker('w1', { config: book.dir, prefix: PREFIX, redisUrl: REDIS_URL });
    // A first start alerts what the first poll finds: one message for the group.
    await until('the first alert message', () => (slack.requests.length >= 1 ? true : undefined), 60_000);
    expect(await alertedTitles()).toEqual(OLD.map((e) => e.title).sort());
    const messages = slack.requests.length;

    await deleteUnder(redis, PREFIX);
    await polled(2, 'polling to resume after the data loss');
    expect(logsWith(worker, LOST)).toHaveLength(1);
    expect(logsWith(worker, LOST)[0]!.level).toBe(40);
    await until(
      'the warm-up poll',
      () => (worker!.logs.some((l) => l.msg?.startsWith('Source warmed up')) ? true : undefined),
      30_000,
    );
    // The first poll after the loss was the warm-up, the second found the items seen: no alert was raised,
    // so none can be delivered.
    expect(await alertedTitles()).toEqual([]);
    const check = await store.scheduleCheck();
    expect(check).toEqual({ sentinel: true, scheduled: 1 });

    // Warm-up is the first poll only: an item published now is alerted as any other.
    entries = [LATER, ...OLD];
    await until('the new item alerted', async () => ((await alertedTitles()).length > 0 ? true : undefined), 60_000);
    expect(await alertedTitles()).toEqual([LATER.title]);
    await until('its message', () => (slack.requests.length > messages ? true : undefined), 60_000);
    expect(
      slack.requests
        .slice(messages)
        .map((r) => r.body)
        .join('\n'),
    ).toContain('Rating poll');
    for (const old of OLD)
      expect(
        slack.requests
          .slice(messages)
          .map((r) => r.body)
          .join('\n'),
      ).not.toContain(old.title);
    expect(logsWith(worker, LOST)).toHaveLength(1);
  }, 180_000);
});
