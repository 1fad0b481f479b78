// The robots.txt share on real Redis: what one worker process read, another uses without asking the host,
// until it expires; a share that is unreadable or holds junk costs a download, never a fetch.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Fetcher } from '../../src/fetch/index.js';
import type { RedisConnection } from '../../src/queue/index.js';
import { robotsKey, RobotsShareStore, storeKeys } from '../../src/store/index.js';
import { testRedis } from '../helpers/redis.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { deleteUnder, randomPrefix } from './backends.js';

const ROBOTS = 'User-agent: *\nDisallow: /private/\n';
const HOUR = 3_600_000;

let server: TestServer;
let robots: { status: number; body: string };
let paths: string[] = [];
let a: RedisConnection;
let b: RedisConnection;
let prefix: string;

beforeAll(async () => {
  server = await startServer((req, res) => {
    paths.push(req.url ?? '/');
    if (req.url === '/robots.txt')
      return void res.writeHead(robots.status, { 'content-type': 'text/plain' }).end(robots.body);
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<rss/>');
  });
  a = testRedis();
  b = testRedis();
});
afterAll(async () => {
  await server.close();
  await deleteUnder(a, prefix);
  a.disconnect();
  b.disconnect();
});
beforeEach(async () => {
  if (prefix) await deleteUnder(a, prefix);
  prefix = randomPrefix();
  robots = { status: 200, body: ROBOTS };
  paths = [];
});

/** A worker process's fetcher: its own robots cache, the share on its own connection. */
function processFetcher(client: RedisConnection, extra: ConstructorParameters<typeof Fetcher>[0] = {}): Fetcher {
  return new Fetcher({
    allow: 'loopback',
    minDelayMs: 0,
    robotsTtlMs: HOUR,
    robotsShare: new RobotsShareStore(client, { prefix }),
    ...extra,
  });
}

describe('robots.txt shared between worker processes', () => {
  it('is read by one process and obeyed by another without asking the host', async () => {
    expect((await processFetcher(a).fetch({ url: `${server.url}/news.xml` })).status).toBe('ok');
    expect(paths).toEqual(['/robots.txt', '/news.xml']);
    const other = processFetcher(b);
    await expect(other.fetch({ url: `${server.url}/private/feed.xml` })).rejects.toMatchObject({
      reason: 'robots-disallowed',
    });
    expect((await other.fetch({ url: `${server.url}/other.xml` })).status).toBe('ok');
    expect(paths).toEqual(['/robots.txt', '/news.xml', '/other.xml']);
  });

  it('expires in Redis when the file does', async () => {
    await processFetcher(a).fetch({ url: `${server.url}/news.xml` });
    const pttl = await a.pttl(robotsKey(storeKeys(prefix), server.url));
    expect(pttl).toBeGreaterThan(HOUR - 60_000);
    expect(pttl).toBeLessThanOrEqual(HOUR);
  });

  it('shares a missing robots.txt (404) too', async () => {
    robots = { status: 404, body: 'no' };
    await processFetcher(a).fetch({ url: `${server.url}/news.xml` });
    robots = { status: 200, body: 'User-agent: *\nDisallow: /\n' };
    expect((await processFetcher(b).fetch({ url: `${server.url}/private/x.xml` })).status).toBe('ok');
    expect(paths).toEqual(['/robots.txt', '/news.xml', '/private/x.xml']);
  });

  it('asks the host again once the shared entry has expired, and shares the new file', async () => {
    const t0 = Date.now();
    await processFetcher(a, { now: () => t0 }).fetch({ url: `${server.url}/news.xml` });
    robots = { status: 200, body: 'User-agent: *\nDisallow: /news.xml\n' };
    // Two hours on (the key itself still there: Redis keeps its own time), the entry is past its expiry.
    const later = processFetcher(b, { now: () => t0 + 2 * HOUR });
    await expect(later.fetch({ url: `${server.url}/news.xml` })).rejects.toMatchObject({
      reason: 'robots-disallowed',
    });
    expect(paths).toEqual(['/robots.txt', '/news.xml', '/robots.txt']);
    const shared = JSON.parse((await a.get(robotsKey(storeKeys(prefix), server.url)))!) as { text: string };
    expect(shared.text).toBe(robots.body);
  });

  it('keeps a stale file through a failure to itself: the share is not told the host failed', async () => {
    const t0 = Date.now();
    let clock = t0;
    const a1 = processFetcher(a, { now: () => clock });
    await a1.fetch({ url: `${server.url}/news.xml` });
    const key = robotsKey(storeKeys(prefix), server.url);
    const shared = await a.get(key);
    robots = { status: 503, body: 'down' };
    clock = t0 + 2 * HOUR;
    await expect(a1.fetch({ url: `${server.url}/private/feed.xml` })).rejects.toMatchObject({
      reason: 'robots-disallowed',
    });
    expect(await a.get(key)).toBe(shared);
  });

  it('downloads the file itself when the share holds something else, and writes it over', async () => {
    const key = robotsKey(storeKeys(prefix), server.url);
    for (const junk of ['not json', '{"basis":"robots.txt","fetchedAt":1}', '[]', 'null']) {
      paths = [];
      await a.set(key, junk, 'PX', HOUR);
      await expect(processFetcher(b).fetch({ url: `${server.url}/private/a.xml` })).rejects.toMatchObject({
        reason: 'robots-disallowed',
      });
      expect(paths).toEqual(['/robots.txt']);
      expect(JSON.parse((await a.get(key))!)).toMatchObject({ basis: 'robots.txt', text: ROBOTS });
    }
  });

  it('fetches as without a share when Redis cannot be reached', async () => {
    // A client that never connected and queues nothing: every command fails at once, on a cluster as alone.
    const gone = new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
    try {
      const res = await processFetcher(gone).fetch({ url: `${server.url}/news.xml` });
      expect(res.status).toBe('ok');
      expect(paths).toEqual(['/robots.txt', '/news.xml']);
    } finally {
      gone.disconnect();
    }
  });
});
