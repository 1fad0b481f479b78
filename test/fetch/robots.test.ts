import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FetchError } from '../../src/fetch/errors.js';
import { Fetcher, type FetchLogger } from '../../src/fetch/fetcher.js';
import type { HttpResponse } from '../../src/fetch/http.js';
import { RobotsCache } from '../../src/fetch/robots.js';
import { rejection } from '../helpers/fetch-error.js';
import { startServer, type TestServer } from '../helpers/server.js';

const ROBOTS = ['User-agent: *', 'Disallow: /', '', 'User-agent: Signpost', 'Disallow: /private/', 'Allow: /'].join(
  '\n',
);

let server: TestServer;
let robots: { status: number; body: string };
let requests: { path: string; headers: IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  server = await startServer((req, res) => {
    requests.push({ path: req.url ?? '/', headers: req.headers });
    if (req.url === '/robots.txt')
      return void res.writeHead(robots.status, { 'content-type': 'text/plain' }).end(robots.body);
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end('<rss/>');
  });
});
afterAll(() => server.close());
beforeEach(() => {
  robots = { status: 200, body: ROBOTS };
  requests = [];
});

const paths = (): string[] => requests.map((r) => r.path);

function fetcher(extra: ConstructorParameters<typeof Fetcher>[0] = {}): Fetcher {
  return new Fetcher({ allow: 'loopback', minDelayMs: 0, contact: 'ops@example.org', ...extra });
}

describe('robots.txt through the Fetcher', () => {
  it('refuses a disallowed path as a permanent robots-disallowed, without requesting it', async () => {
    const err = await rejection(fetcher().fetch({ url: `${server.url}/private/feed.xml` }));
    expect(err).toBeInstanceOf(FetchError);
    expect(err).toMatchObject({ reason: 'robots-disallowed', permanent: true });
    expect(err.message).toBe(
      `fetch: robots.txt of ${server.url} disallows ${server.url}/private/feed.xml for Signpost`,
    );
    expect(paths()).toEqual(['/robots.txt']);
  });

  it('follows the Signpost group rather than the * group', async () => {
    const res = await fetcher().fetch({ url: `${server.url}/news/feed.xml` });
    expect(res.status).toBe('ok');
    expect(paths()).toEqual(['/robots.txt', '/news/feed.xml']);
  });

  it('reads robots.txt with the same User-Agent', async () => {
    await fetcher().fetch({ url: `${server.url}/feed` });
    expect(requests[0]?.headers['user-agent']).toMatch(/^Signpost\/\d+\.\d+\.\d+ \(\+ops@example\.org\)$/);
  });

  it('reads robots.txt once per origin while cached', async () => {
    const f = fetcher();
    await f.fetch({ url: `${server.url}/a` });
    await f.fetch({ url: `${server.url}/b` });
    await expect(f.fetch({ url: `${server.url}/private/c` })).rejects.toMatchObject({ reason: 'robots-disallowed' });
    expect(paths()).toEqual(['/robots.txt', '/a', '/b']);
  });

  it('reads robots.txt again after the cache expires', async () => {
    let now = 1_000_000;
    const f = fetcher({ now: () => now, robotsTtlMs: 60_000 });
    await f.fetch({ url: `${server.url}/a` });
    now += 60_001;
    robots.body = 'User-agent: *\nDisallow: /a';
    await expect(f.fetch({ url: `${server.url}/a` })).rejects.toMatchObject({ reason: 'robots-disallowed' });
    expect(paths()).toEqual(['/robots.txt', '/a', '/robots.txt']);
  });

  it('allows everything when robots.txt is missing (404)', async () => {
    robots = { status: 404, body: 'not found' };
    const res = await fetcher().fetch({ url: `${server.url}/private/feed.xml` });
    expect(res.status).toBe('ok');
  });

  it('allows on a 5xx, logs a warning, and asks again soon', async () => {
    robots = { status: 503, body: 'down' };
    let now = 1_000_000;
    const warnings: { obj: Record<string, unknown>; msg: string }[] = [];
    const logger: FetchLogger = { warn: (obj, msg) => warnings.push({ obj, msg }) };
    const f = fetcher({ now: () => now, logger, robotsUnreachableTtlMs: 5_000 });
    await expect(f.fetch({ url: `${server.url}/private/x` })).resolves.toMatchObject({ status: 'ok' });
    expect(warnings[0]).toMatchObject({
      msg: 'Could not read robots.txt; fetching as if it allowed everything',
      obj: { reason: 'http-5xx' },
    });
    now += 5_001;
    robots = { status: 200, body: ROBOTS };
    await expect(f.fetch({ url: `${server.url}/private/x` })).rejects.toMatchObject({ reason: 'robots-disallowed' });
    expect(paths()).toEqual(['/robots.txt', '/private/x', '/robots.txt']);
  });

  it('does not read robots.txt when told not to obey it', async () => {
    const res = await fetcher().fetch({ url: `${server.url}/private/feed.xml`, obeyRobots: false });
    expect(res.status).toBe('ok');
    expect(paths()).toEqual(['/private/feed.xml']);
  });

  it('honours Crawl-delay as the pause between requests to the host', async () => {
    robots.body = 'User-agent: Signpost\nCrawl-delay: 0.3\nAllow: /';
    const f = fetcher();
    await f.fetch({ url: `${server.url}/a` });
    const started = Date.now();
    await f.fetch({ url: `${server.url}/b` });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });
});

describe('RobotsCache', () => {
  const response = (body: string): HttpResponse => ({
    url: 'https://example.org/robots.txt',
    status: 200,
    headers: {},
    body: Buffer.from(body),
    validators: {},
    notModified: false,
    redirects: [],
    downgraded: false,
  });

  it('shares one download between concurrent checks of an origin', async () => {
    const cache = new RobotsCache();
    let downloads = 0;
    const download = async (): Promise<HttpResponse> => {
      downloads++;
      await new Promise((r) => setTimeout(r, 20));
      return response('User-agent: *\nDisallow: /x');
    };
    const decisions = await Promise.all(
      ['/a', '/x', '/b'].map((p) => cache.check(new URL(`https://example.org${p}`), download)),
    );
    expect(decisions.map((d) => d.allowed)).toEqual([true, false, true]);
    expect(downloads).toBe(1);
  });

  it('keeps using a good robots.txt while a later read fails, within a day', async () => {
    let now = 0;
    const cache = new RobotsCache({ now: () => now, ttlMs: 1000 });
    await cache.check(new URL('https://example.org/'), () => Promise.resolve(response('User-agent: *\nDisallow: /x')));
    now = 2000;
    const decision = await cache.check(new URL('https://example.org/x'), () =>
      Promise.reject(new FetchError('timeout', 'slow')),
    );
    expect(decision).toMatchObject({ allowed: false, basis: 'robots.txt', error: { reason: 'timeout' } });
  });

  it('treats a 429 as unreachable, not as missing', async () => {
    const cache = new RobotsCache();
    const decision = await cache.check(new URL('https://example.org/x'), () =>
      Promise.reject(new FetchError('http-4xx', '429 Too Many Requests', { status: 429 })),
    );
    expect(decision).toMatchObject({ allowed: true, basis: 'unreachable' });
  });
});
