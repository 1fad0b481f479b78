import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { cliAsync, ROOT } from './run-cli.js';

// `signpost fetch` against real servers on loopback: what an admin runs to check a source before
// deploying it. Loopback needs --allow-private (or watch.allow_private): the SSRF guard refuses it otherwise.

const CORPUS = resolve(ROOT, '../shared/corpus/feeds/real');
const KIIS_PAGE = readFileSync(join(ROOT, 'test/fixtures/pages/kiis-reports.html'));
let server: TestServer;

beforeAll(async () => {
  server = await startServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/robots.txt') return void res.writeHead(404).end();
    if (path === '/bbc.xml')
      return void res
        .writeHead(200, { 'content-type': 'application/rss+xml' })
        .end(readFileSync(join(CORPUS, 'bbc-1.xml')));
    if (path === '/ibash.xml')
      return void res.writeHead(200, { 'content-type': 'text/xml' }).end(readFileSync(join(CORPUS, 'ibash-ru-1.xml')));
    if (path === '/kiis') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(KIIS_PAGE);
    if (path === '/silent') return; // never answers
    if (path === '/html-not-feed')
      return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body><p>Hello</p></body></html>');
    res.writeHead(404).end('not here');
  });
});
afterAll(() => server.close());

const lines = (out: string[]) => out.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('signpost fetch --url', () => {
  it('prints one JSON line per item of a real feed, with key, url, title, summary and publishedAt', async () => {
    const r = await cliAsync(['fetch', '--url', `${server.url}/bbc.xml`, '--allow-private']);
    expect(r.status).toBe(0);
    const items = lines(r.out);
    expect(items.length).toBeGreaterThan(10);
    for (const item of items) {
      expect(Object.keys(item)).toEqual(expect.arrayContaining(['key', 'url', 'title', 'summary', 'publishedAt']));
      expect(String(item.url)).toMatch(/^https:\/\/www\.bbc\.(com|co\.uk)\//);
      expect(Number.isNaN(Date.parse(String(item.publishedAt)))).toBe(false);
    }
    expect(new Set(items.map((i) => i.key)).size).toBe(items.length);
    expect(r.stderr).toContain(`${items.length} items from ${server.url}/bbc.xml`);
  });

  it('reads a windows-1251 feed as Cyrillic', async () => {
    const r = await cliAsync(['fetch', '--url', `${server.url}/ibash.xml`, '--allow-private']);
    expect(r.status).toBe(0);
    const titles = lines(r.out).map((i) => String(i.title));
    expect(titles.join(' ')).toMatch(/[а-яА-Я]{3,}/);
    expect(titles.join(' ')).not.toMatch(/[ÐÑ][\u0080-\u00ff]/);
  });

  it('reads an html list page with --select, links made absolute', async () => {
    const select = JSON.stringify({
      item: '.news_item',
      title: 'h2 a',
      link: 'h2 a@href',
      date: '.date',
      summary: 'p',
    });
    const r = await cliAsync([
      'fetch',
      '--url',
      `${server.url}/kiis`,
      '--type',
      'html',
      '--select',
      select,
      '--allow-private',
    ]);
    expect(r.status).toBe(0);
    const items = lines(r.out);
    expect(items.map((i) => i.url)).toEqual([
      `${server.url}/kiis?cat=reports&id=1563&lang=eng&page=1`,
      `${server.url}/kiis?cat=reports&id=1559&lang=eng&page=1`,
      'https://www.kiis.com.ua/?cat=reports&id=1552&lang=eng&page=1',
    ]);
    expect(String(items[0]!.title)).toMatch(/^Dynamics of readiness for territorial concessions/);
  });

  // prettier-ignore
  it.each([
    ['refuses loopback without --allow-private', ['--url', 'URL/bbc.xml'], /^blocked-address: /],
    ['says http-4xx for a 404', ['--url', 'URL/missing', '--allow-private'], /^http-4xx: /],
    ['says timeout when the server never answers', ['--url', 'URL/silent', '--allow-private', '--timeout', '1s'], /^timeout: /],
    ['says parse-error for an HTML page given as a feed', ['--url', 'URL/html-not-feed', '--allow-private'], /^parse-error: /],
  ])('%s', async (_name, args, reason) => {
    const r = await cliAsync(['fetch', ...args.map((a) => a.replace('URL', server.url))]);
    expect(r.status).toBe(1);
    expect(r.out).toEqual([]);
    expect(r.err.at(-1)).toMatch(reason);
  });

  it.each([
    ['--type html without --select', ['--url', 'http://example.org/', '--type', 'html'], '--type html needs --select'],
    ['--select that is not JSON', ['--url', 'http://example.org/', '--select', '{item'], '--select expects JSON'],
    ['an unknown --type', ['--url', 'http://example.org/', '--type', 'atom'], '--type must be one of rss, html, json'],
    ['a bad --timeout', ['--url', 'http://example.org/', '--timeout', 'soon'], '--timeout expects a duration'],
    ['neither a source nor --url', [], 'give one SOURCE_ID, or --url URL'],
  ])('refuses %s with usage exit 2', async (_name, args, message) => {
    const r = await cliAsync(['fetch', ...args]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

describe('signpost fetch SOURCE_ID', () => {
  it("fetches a watchbook source by id, with the watchbook's allow_private", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signpost-fetch-'));
    const file = join(dir, 'watchbook.yaml');
    writeFileSync(
      file,
      [
        'version: 1',
        'watch: { id: t, title: T, allow_private: true, contact: "ops@example.org" }',
        'scenarios: { a: { title: A, prior: 0.5 }, b: { title: B, prior: 0.5 } }',
        'sources:',
        `  - { id: local-bbc, type: rss, url: "${server.url}/bbc.xml", credibility: 0.8, lang: en, tags: [news] }`,
      ].join('\n'),
    );
    const r = await cliAsync(['fetch', 'local-bbc', '--config', file]);
    expect(r.status).toBe(0);
    const items = lines(r.out);
    expect(items.length).toBeGreaterThan(10);
    expect(items[0]).toMatchObject({ source: 'local-bbc', lang: 'en', tags: ['news'] });
    expect(String(items[0]!.key)).toMatch(/^local-bbc:/);

    const unknown = await cliAsync(['fetch', 'nope', '--config', file]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('no source "nope"');
  });
});
