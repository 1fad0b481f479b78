// pollSource against real HTTP servers on loopback: a conditional GET on the second poll, and a broken feed
// that fails its own source while the worker's one Fetcher goes on serving the others.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fetcher } from '../../src/fetch/index.js';
import type { Source } from '../../src/model/watchbook.js';
import { pollFailure, pollSource } from '../../src/pipeline/poll.js';
import { startServer, type TestServer } from '../helpers/server.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BBC = readFileSync(resolve(repoRoot, '../shared/corpus/feeds/real/bbc-1.xml'));
const NOW = Date.UTC(2026, 10, 26);

// Bodies a broken or misconfigured server sends instead of its feed, and the reason word each must fail with.
// prettier-ignore
const GARBAGE: { name: string; reason: string; contentType: string; body: Buffer }[] = [
  { name: 'a feed cut off mid-item', reason: 'parse-error', contentType: 'application/rss+xml', body: Buffer.from('<rss version="2.0"><channel><title>t</title><item><title>a</ti') },
  { name: 'an HTML error page', reason: 'parse-error', contentType: 'application/rss+xml', body: Buffer.from('<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>') },
  { name: 'broken JSON', reason: 'parse-error', contentType: 'application/json', body: Buffer.from('{"version": "https://jsonfeed.org/version/1", "items": [{"id": 1,') },
  { name: 'an XML document that is no feed', reason: 'parse-error', contentType: 'application/xml', body: Buffer.from('<?xml version="1.0"?><config><debug>true</debug></config>') },
  { name: 'a plain-text error with a stray angle bracket', reason: 'parse-error', contentType: 'application/rss+xml', body: Buffer.from('%%%% 500 oops, stack trace follows <<‹ at handler (server.js:12)') },
  // Not text in any charset: fails before parsing, with its own reason.
  { name: 'random bytes', reason: 'bad-charset', contentType: 'application/rss+xml', body: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)) },
];

let server: TestServer;
let etag = '"v1"';
const conditional: (string | undefined)[] = [];

beforeAll(async () => {
  server = await startServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/bbc.xml') {
      conditional.push(req.headers['if-none-match']);
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
      const headers = { 'content-type': 'application/rss+xml', etag, 'last-modified': 'Wed, 18 Feb 2026 10:00:00 GMT' };
      return void res.writeHead(200, headers).end(BBC);
    }
    const garbage = GARBAGE.find(({ name }) => path === `/garbage/${encodeURIComponent(name)}`);
    if (garbage) return void res.writeHead(200, { 'content-type': garbage.contentType }).end(garbage.body);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
});
afterAll(() => server.close());

const source = (id: string, path: string, type: Source['type'] = 'rss'): Source => ({
  id,
  type,
  url: `${server.url}${path}`,
  everyMs: 60_000,
  credibility: 1,
  lang: 'en',
  tags: [],
});

/** The worker's Fetcher as a test runs it: loopback allowed (other private ranges refused), no pause. */
const newFetcher = () => new Fetcher({ minDelayMs: 0, allow: 'loopback' });

describe('pollSource over HTTP', () => {
  it('sends the validators of the last poll and reports not-modified when the feed has not changed', async () => {
    const fetcher = newFetcher();
    const bbc = source('bbc', '/bbc.xml');
    conditional.length = 0;

    const first = await pollSource(bbc, { fetcher, now: () => NOW });
    expect(first).toMatchObject({
      status: 'ok',
      validators: { etag: '"v1"', lastModified: 'Wed, 18 Feb 2026 10:00:00 GMT' },
    });
    expect(first.status === 'ok' && first.items).toHaveLength(33);

    const second = await pollSource(bbc, { fetcher, now: () => NOW, validators: first.validators });
    expect(second).toEqual({ status: 'not-modified', validators: first.validators, warnings: [] });

    // The feed changes: the old validators no longer match, and the poll reads it again.
    etag = '"v2"';
    try {
      const third = await pollSource(bbc, { fetcher, now: () => NOW, validators: first.validators });
      expect(third).toMatchObject({ status: 'ok', validators: { etag: '"v2"' } });
    } finally {
      etag = '"v1"';
    }
    expect(conditional).toEqual([undefined, '"v1"', '"v1"']);
  });

  // prettier-ignore
  it.each(GARBAGE)('fails a source whose server sends $name with $reason, and keeps polling the others with the same Fetcher', async ({ name, reason, contentType }) => {
    const fetcher = newFetcher();
    const broken = source('broken', `/garbage/${encodeURIComponent(name)}`, contentType === 'application/json' ? 'json' : 'rss');
    const good = source('bbc', '/bbc.xml');

    // At the same time, on the same host: the broken source's failure is its own.
    const [bad, ok] = await Promise.allSettled([pollSource(broken, { fetcher, now: () => NOW }), pollSource(good, { fetcher, now: () => NOW })]);
    expect(bad.status).toBe('rejected');
    if (bad.status === 'rejected') expect(pollFailure(bad.reason)?.reason).toBe(reason);
    expect(ok.status === 'fulfilled' && ok.value.status === 'ok' && ok.value.items.length).toBe(33);

    // And after it: the Fetcher's host queue and robots cache are not left stuck or poisoned.
    const again = await pollSource(good, { fetcher, now: () => NOW });
    expect(again.status === 'ok' && again.items[0]?.title).toBe('US civil rights leader Jesse Jackson dies aged 84');
    const retried = await pollSource(broken, { fetcher, now: () => NOW }).then(() => 'ok', (err: unknown) => pollFailure(err)?.reason);
    expect(retried).toBe(reason);
  });

  it('reaches the loopback fixture server but still refuses other private addresses with the same Fetcher', async () => {
    const fetcher = newFetcher();
    // An IP literal is refused before any packet is sent (robots.txt included).
    const intranet = { ...source('intranet', '/feed'), url: 'http://10.0.0.1/feed' };
    const err = await pollSource(intranet, { fetcher, now: () => NOW }).then(
      () => undefined,
      (e: unknown) => pollFailure(e),
    );
    expect(err?.reason).toBe('blocked-address');
    const ok = await pollSource(source('bbc', '/bbc.xml'), { fetcher, now: () => NOW });
    expect(ok.status).toBe('ok');
  });
});
