import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError } from '../../src/fetch/errors.js';
import { httpGet, type HttpGetOptions } from '../../src/fetch/http.js';
import { rejection } from '../helpers/fetch-error.js';
import { closedPort, startServer, startTcpServer, type TestServer } from '../helpers/server.js';

const FEED = '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>';
const ETAG = '"v1-abc"';
const LAST_MODIFIED = 'Sat, 10 Jan 2026 10:00:00 GMT';

let server: TestServer;
let lastHeaders: IncomingHttpHeaders = {};
// Loopback fixtures need the loopback policy; everything else stays refused (see ssrf.test.ts).
const opts: HttpGetOptions = { allow: 'loopback', timeoutMs: 5000, connectTimeoutMs: 2000 };

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | number>,
  body: string | Buffer = '',
): void {
  res.writeHead(status, headers).end(body);
}

const routes: Record<string, (res: ServerResponse, headers: IncomingHttpHeaders) => void> = {
  '/feed': (res) =>
    send(res, 200, { 'content-type': 'application/rss+xml', etag: ETAG, 'last-modified': LAST_MODIFIED }, FEED),
  '/png-but-xml': (res) => send(res, 200, { 'content-type': 'image/png' }, FEED),
  '/gzip': (res) => send(res, 200, { 'content-encoding': 'gzip' }, zlib.gzipSync(FEED)),
  '/deflate': (res) => send(res, 200, { 'content-encoding': 'deflate' }, zlib.deflateSync(FEED)),
  '/deflate-raw': (res) => send(res, 200, { 'content-encoding': 'deflate' }, zlib.deflateRawSync(FEED)),
  '/br': (res) => send(res, 200, { 'content-encoding': 'br' }, zlib.brotliCompressSync(FEED)),
  '/gzip-then-br': (res) =>
    send(res, 200, { 'content-encoding': 'gzip, br' }, zlib.brotliCompressSync(zlib.gzipSync(FEED))),
  '/corrupt-gzip': (res) => send(res, 200, { 'content-encoding': 'gzip' }, Buffer.from('this is not gzip at all')),
  '/zstd': (res) => send(res, 200, { 'content-encoding': 'zstd' }, 'whatever'),
  '/conditional': (res, h) => {
    if (h['if-none-match'] === ETAG || h['if-modified-since'] === LAST_MODIFIED) return send(res, 304, {});
    send(res, 200, { etag: ETAG, 'last-modified': LAST_MODIFIED }, FEED);
  },
  '/conditional-new-etag': (res) => send(res, 304, { etag: '"v2"' }),
  '/429-seconds': (res) => send(res, 429, { 'retry-after': '120' }, 'slow down'),
  '/429-date': (res) => send(res, 429, { 'retry-after': 'Sat, 10 Jan 2026 12:10:00 GMT' }, 'slow down'),
  '/503': (res) => send(res, 503, { 'retry-after': '30' }, 'maintenance'),
  '/500': (res) => send(res, 500, {}, 'boom'),
  '/404': (res) => send(res, 404, {}, 'nope'),
  '/410': (res) => send(res, 410, {}, 'gone'),
  '/408': (res) => send(res, 408, {}, 'timeout'),
  '/300-no-location': (res) => send(res, 300, {}, 'choose'),
  '/empty': (res) => send(res, 204, {}),
  '/loop-a': (res) => send(res, 302, { location: '/loop-b' }),
  '/loop-b': (res) => send(res, 302, { location: '/loop-a' }),
  '/self': (res) => send(res, 301, { location: '/self' }),
  '/to-ftp': (res) => send(res, 302, { location: 'ftp://127.0.0.1/feed' }),
};

beforeAll(async () => {
  server = await startServer((req, res) => {
    lastHeaders = req.headers;
    const url = new URL(req.url ?? '/', 'http://x');
    // /chain/N redirects N more times (alternating relative and absolute Locations), then serves the feed.
    const chain = /^\/chain\/(\d+)$/.exec(url.pathname);
    if (chain) {
      const n = Number(chain[1]);
      if (n === 0) return send(res, 200, { 'content-type': 'application/rss+xml' }, FEED);
      const location = n % 2 === 0 ? `${server.url}/chain/${n - 1}` : `../chain/${n - 1}`;
      return send(res, n % 3 === 0 ? 307 : 302, { location });
    }
    const route = routes[url.pathname];
    if (route) return route(res, req.headers);
    send(res, 404, {}, 'no such route');
  });
});
afterAll(() => server.close());

describe('httpGet: answers', () => {
  it('returns status, headers, body and the validators of a feed', async () => {
    const res = await httpGet(`${server.url}/feed`, opts);
    expect(res).toMatchObject({
      url: `${server.url}/feed`,
      status: 200,
      notModified: false,
      redirects: [],
      downgraded: false,
    });
    expect(res.body.toString()).toBe(FEED);
    expect(res.headers['content-type']).toBe('application/rss+xml');
    expect(res.validators).toEqual({ etag: ETAG, lastModified: LAST_MODIFIED });
  });

  it('returns a body whatever its content type says (parse decides)', async () => {
    const res = await httpGet(`${server.url}/png-but-xml`, opts);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.body.toString()).toBe(FEED);
  });

  it('sends the user agent, Accept and the encodings it decodes', async () => {
    await httpGet(`${server.url}/feed`, {
      ...opts,
      userAgent: 'Signpost/9.9.9 (+ops@example.org)',
      accept: 'application/rss+xml',
    });
    expect(lastHeaders).toMatchObject({
      'user-agent': 'Signpost/9.9.9 (+ops@example.org)',
      accept: 'application/rss+xml',
      'accept-encoding': 'gzip, deflate, br',
    });
  });

  it('returns a 204 as an empty body', async () => {
    const res = await httpGet(`${server.url}/empty`, opts);
    expect(res.status).toBe(204);
    expect(res.body.length).toBe(0);
  });
});

describe('httpGet: decompression', () => {
  it.each(['/gzip', '/deflate', '/deflate-raw', '/br', '/gzip-then-br'])('decodes %s', async (path) => {
    const res = await httpGet(`${server.url}${path}`, opts);
    expect(res.body.toString()).toBe(FEED);
  });

  it('fails a corrupt gzip body as parse-error', async () => {
    const err = await rejection(httpGet(`${server.url}/corrupt-gzip`, opts));
    expect(err).toMatchObject({ reason: 'parse-error' });
    expect(err.message).toMatch(/cannot decompress/);
  });

  it('fails an encoding it never offered as parse-error', async () => {
    const err = await rejection(httpGet(`${server.url}/zstd`, opts));
    expect(err).toMatchObject({ reason: 'parse-error' });
    expect(err.message).toMatch(/Content-Encoding zstd/);
  });
});

describe('httpGet: conditional GET', () => {
  it('sends If-None-Match and If-Modified-Since and reports 304 as not modified', async () => {
    const first = await httpGet(`${server.url}/conditional`, opts);
    const second = await httpGet(`${server.url}/conditional`, { ...opts, validators: first.validators });
    expect(lastHeaders['if-none-match']).toBe(ETAG);
    expect(lastHeaders['if-modified-since']).toBe(LAST_MODIFIED);
    expect(second).toMatchObject({
      status: 304,
      notModified: true,
      validators: { etag: ETAG, lastModified: LAST_MODIFIED },
    });
    expect(second.body.length).toBe(0);
  });

  it('sends only the validators it has', async () => {
    const res = await httpGet(`${server.url}/conditional`, { ...opts, validators: { lastModified: LAST_MODIFIED } });
    expect(lastHeaders['if-none-match']).toBeUndefined();
    expect(res.notModified).toBe(true);
  });

  it('takes a new ETag from a 304 and keeps the Last-Modified it sent', async () => {
    const res = await httpGet(`${server.url}/conditional-new-etag`, {
      ...opts,
      validators: { etag: ETAG, lastModified: LAST_MODIFIED },
    });
    expect(res.validators).toEqual({ etag: '"v2"', lastModified: LAST_MODIFIED });
  });
});

describe('httpGet: redirects', () => {
  it('follows 5 redirects, relative and absolute, to the final URL', async () => {
    const res = await httpGet(`${server.url}/chain/5`, opts);
    expect(res.url).toBe(`${server.url}/chain/0`);
    expect(res.redirects).toHaveLength(5);
    expect(res.body.toString()).toBe(FEED);
  });

  it('refuses a 6th redirect as too-many-redirects', async () => {
    const err = await rejection(httpGet(`${server.url}/chain/6`, opts));
    expect(err).toBeInstanceOf(FetchError);
    expect(err).toMatchObject({ reason: 'too-many-redirects', permanent: false });
    expect(err.message).toMatch(/more than 5 redirects/);
  });

  it('honours a smaller redirect limit', async () => {
    await expect(httpGet(`${server.url}/chain/2`, { ...opts, maxRedirects: 1 })).rejects.toMatchObject({
      reason: 'too-many-redirects',
    });
  });

  it('stops a redirect loop as too-many-redirects', async () => {
    const err = await rejection(httpGet(`${server.url}/loop-a`, opts));
    expect(err).toMatchObject({ reason: 'too-many-redirects' });
    expect(err.message).toMatch(/redirect loop/);
  });

  it('stops a redirect to itself', async () => {
    await expect(httpGet(`${server.url}/self`, opts)).rejects.toMatchObject({ reason: 'too-many-redirects' });
  });

  it('refuses a redirect to a scheme other than http(s)', async () => {
    const err = await rejection(httpGet(`${server.url}/to-ftp`, opts));
    expect(err).toMatchObject({ reason: 'blocked-address', permanent: true });
    expect(err.message).toMatch(/only http and https/);
  });
});

describe('httpGet: status codes', () => {
  const now = (): number => Date.parse('2026-01-10T12:00:00Z');
  // Table: [path, reason, permanent, retryAfterMs].
  const cases: [string, string, boolean, number | undefined][] = [
    ['/429-seconds', 'http-4xx', false, 120_000],
    ['/429-date', 'http-4xx', false, 600_000],
    ['/503', 'http-5xx', false, 30_000],
    ['/500', 'http-5xx', false, undefined],
    ['/404', 'http-4xx', true, undefined],
    ['/410', 'http-4xx', true, undefined],
    ['/408', 'http-4xx', false, undefined],
    ['/300-no-location', 'http-4xx', false, undefined],
  ];
  it.each(cases)('%s fails with %s, permanent %s, Retry-After %s ms', async (path, reason, permanent, retryAfterMs) => {
    const err = await rejection(httpGet(`${server.url}${path}`, { ...opts, now }));
    expect(err).toBeInstanceOf(FetchError);
    expect(err).toMatchObject({ reason, permanent, retryAfterMs, status: Number(path.slice(1, 4)) });
    expect(err.message).toContain(`for ${server.url}${path}`);
  });

  it('says the status and the URL in the message', async () => {
    const err = await rejection(httpGet(`${server.url}/429-seconds`, opts));
    expect(err.message).toBe(`fetch: 429 Too Many Requests for ${server.url}/429-seconds (Retry-After 120 s)`);
  });
});

describe('httpGet: network failures', () => {
  it('reports a closed port as refused, with the cause', async () => {
    const port = await closedPort();
    const err = await rejection(httpGet(`http://127.0.0.1:${port}/feed`, opts));
    expect(err).toMatchObject({ reason: 'refused', permanent: false });
    expect((err.cause as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('reports an unresolvable name as dns', async () => {
    const err = await rejection(httpGet('http://signpost-test.invalid/feed', opts));
    expect(err).toMatchObject({ reason: 'dns' });
    expect(err.message).toMatch(/cannot resolve signpost-test\.invalid/);
    expect(err.cause).toBeDefined();
  });

  it('reports TLS spoken to a plain HTTP server as tls', async () => {
    const err = await rejection(httpGet(`https://127.0.0.1:${server.port}/feed`, opts));
    expect(err).toMatchObject({ reason: 'tls' });
    expect(err.cause).toBeDefined();
  });

  it('ends a TLS handshake that never comes at the connect timeout', async () => {
    const silent = await startTcpServer(() => {});
    try {
      const started = Date.now();
      const err = await rejection(httpGet(`https://127.0.0.1:${silent.port}/feed`, { ...opts, connectTimeoutMs: 300 }));
      expect(err).toMatchObject({ reason: 'timeout' });
      expect(err.message).toMatch(/connecting to 127\.0\.0\.1:\d+ took longer than 300 ms/);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await silent.close();
    }
  });

  it('reports a server that hangs up mid-headers as refused', async () => {
    const rude = await startTcpServer((socket) => socket.once('data', () => socket.destroy()));
    try {
      await expect(httpGet(`${rude.url}/feed`, opts)).rejects.toMatchObject({ reason: 'refused' });
    } finally {
      await rude.close();
    }
  });

  it('reports malformed HTTP as parse-error', async () => {
    const garbled = await startTcpServer((socket) => socket.once('data', () => socket.end('SMTP READY\r\n\r\n')));
    try {
      await expect(httpGet(`${garbled.url}/feed`, opts)).rejects.toMatchObject({ reason: 'parse-error' });
    } finally {
      await garbled.close();
    }
  });

  it('refuses something that is not a URL as a permanent parse-error', async () => {
    await expect(httpGet('not a url', opts)).rejects.toMatchObject({ reason: 'parse-error', permanent: true });
  });

  it('ends like a timeout when the caller aborts', async () => {
    const never = await startServer(() => {});
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const err = await rejection(httpGet(`${never.url}/feed`, { ...opts, signal: controller.signal }));
      expect(err).toMatchObject({ reason: 'timeout' });
      expect(err.message).toMatch(/cancelled/);
    } finally {
      await never.close();
    }
  });
});
