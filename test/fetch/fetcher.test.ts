import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Fetcher, FEED_ACCEPT } from '../../src/fetch/fetcher.js';
import { signpostVersion, userAgent } from '../../src/fetch/user-agent.js';
import { rejection } from '../helpers/fetch-error.js';
import { startServer, type TestServer } from '../helpers/server.js';

const FEED = '<rss version="2.0"><channel><title>t</title></channel></rss>';
let server: TestServer;
let headers: IncomingHttpHeaders = {};

beforeAll(async () => {
  server = await startServer((req, res) => {
    headers = req.headers;
    switch (req.url) {
      case '/robots.txt':
        return void res.writeHead(404).end();
      case '/moved':
        return void res.writeHead(301, { location: '/feed' }).end();
      case '/feed':
        if (req.headers['if-none-match'] === '"1"') return void res.writeHead(304).end();
        return void res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag: '"1"' }).end(FEED);
      case '/html':
        return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>not a feed</html>');
      case '/no-type':
        return void res.writeHead(200).end(FEED);
      case '/empty':
        return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end();
      default:
        res.writeHead(404).end();
    }
  });
});
afterAll(() => server.close());
beforeEach(() => {
  headers = {};
});

const fetcher = (): Fetcher => new Fetcher({ minDelayMs: 0, contact: 'desk@example.org' });

describe('Fetcher', () => {
  it('returns body, content type, final URL and validators after a redirect', async () => {
    const res = await fetcher().fetch({ url: `${server.url}/moved`, allow: 'loopback' });
    expect(res).toMatchObject({
      status: 'ok',
      url: `${server.url}/feed`,
      httpStatus: 200,
      contentType: 'application/rss+xml; charset=utf-8',
      validators: { etag: '"1"' },
      redirects: [`${server.url}/moved`],
    });
    expect(res.status === 'ok' && res.body.toString()).toBe(FEED);
  });

  it('sends the Signpost User-Agent with the contact, and feed types first in Accept', async () => {
    await fetcher().fetch({ url: `${server.url}/feed`, allow: 'loopback' });
    expect(headers['user-agent']).toBe(`Signpost/${signpostVersion()} (+desk@example.org)`);
    expect(headers.accept).toBe(FEED_ACCEPT);
  });

  it('reports not-modified with the validators to keep', async () => {
    const res = await fetcher().fetch({ url: `${server.url}/feed`, allow: 'loopback', validators: { etag: '"1"' } });
    expect(res).toEqual({ status: 'not-modified', url: `${server.url}/feed`, validators: { etag: '"1"' } });
  });

  it('returns a body of the wrong content type as it is (parse decides)', async () => {
    const res = await fetcher().fetch({ url: `${server.url}/html`, allow: 'loopback' });
    expect(res).toMatchObject({ status: 'ok', contentType: 'text/html' });
  });

  it('returns an empty content type when the server sends none', async () => {
    const res = await fetcher().fetch({ url: `${server.url}/no-type`, allow: 'loopback' });
    expect(res).toMatchObject({ status: 'ok', contentType: '' });
  });

  it('fails an empty 200 as empty', async () => {
    const err = await rejection(fetcher().fetch({ url: `${server.url}/empty`, allow: 'loopback' }));
    expect(err).toMatchObject({ reason: 'empty', permanent: false });
  });

  it('refuses loopback by default, and reaches it when the source allows private addresses', async () => {
    await expect(fetcher().fetch({ url: `${server.url}/feed` })).rejects.toMatchObject({ reason: 'blocked-address' });
    await expect(fetcher().fetch({ url: `${server.url}/feed`, allowPrivate: true })).resolves.toMatchObject({
      status: 'ok',
    });
  });

  it('applies its own per-request limits', async () => {
    const err = await rejection(fetcher().fetch({ url: `${server.url}/feed`, allow: 'loopback', maxBytes: 10 }));
    expect(err).toMatchObject({ reason: 'too-large' });
  });

  it('refuses a malformed URL as a permanent parse-error', async () => {
    await expect(fetcher().fetch({ url: 'http://' })).rejects.toMatchObject({ reason: 'parse-error', permanent: true });
  });
});

describe('userAgent', () => {
  const v = signpostVersion();
  // Table: [behaviour, contact, user agent].
  // prettier-ignore
  const cases: [string, string | undefined, string][] = [
    ['names Signpost, its version and an email contact', 'ops@example.org', `Signpost/${v} (+ops@example.org)`],
    ['takes a URL as the contact', 'https://example.org/bot', `Signpost/${v} (+https://example.org/bot)`],
    ['drops line breaks that would inject a header', 'ops@example.org\r\nX-Evil: 1', `Signpost/${v} (+ops@example.orgX-Evil: 1)`],
    ['drops parentheses that would end the comment', 'ops (night) @example.org', `Signpost/${v} (+ops night @example.org)`],
    ['leaves the comment out without a contact', undefined, `Signpost/${v}`],
    ['leaves the comment out for a blank contact', '  ', `Signpost/${v}`],
  ];
  it.each(cases)('%s', (_name, contact, expected) => {
    expect(userAgent(contact)).toBe(expected);
  });

  it('reads the version from package.json', () => {
    expect(v).toMatch(/^\d+\.\d+\.\d+/);
    expect(v).not.toBe('0.0.0');
  });
});
