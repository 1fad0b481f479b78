// Every file of the shared corpus served over loopback HTTP and polled the way the worker polls a source:
// one Fetcher, pollSource per file (fetch, decode, parse, normalize). Each file comes out as Items or as a
// failure with its reason word; none may crash the poll. The expected entry counts and first titles are
// the parse stage's (test/fixtures/corpus-expected.ts); the differences items/ makes are listed below.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fetcher } from '../../src/fetch/index.js';
import type { Source } from '../../src/model/watchbook.js';
import { pollFailure, pollSource, type PollFailure, type PollResult } from '../../src/pipeline/poll.js';
import { EXPECTED } from '../fixtures/corpus-expected.js';
import { startServer, type TestServer } from '../helpers/server.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FEEDS = join(resolve(repoRoot, '../shared/corpus'), 'feeds');
const NOW = Date.UTC(2026, 10, 26);

const CONTENT_TYPES: Record<string, string> = {
  '.xml': 'application/xml',
  '.json': 'application/feed+json',
  '.html': 'text/html',
};

/**
 * Where the Items of a poll differ from the entries parse reads (count, or a first title where the entry
 * has none). Counted by hand from the files, not copied from a run.
 */
const ITEMS: Record<string, { items?: number; first?: string; fails?: 'empty' }> = {
  // Al-Monitor lists three stories four times each, with the same GUID, link and text (11 distinct GUIDs
  // in 20 <item>s): one story is one item, so the 9 repeats are dropped within the fetch. No other real
  // feed repeats a GUID or an item link.
  'real/almonitor-1.xml': { items: 11 },
  // The publisher posted "flowers of esch" twice under one GUID and link, the announcement ("will be
  // published") and later the news ("is published"): versions of one entry, one item, never alerted twice.
  'edge/mangled-prolog-prefixed-rss.xml': { items: 34 },
  // Its one entry has a link and nothing else: parse keeps it, items/ makes no item of an entry without
  // title or text, and a poll that yields no item at all fails as empty.
  'edge/corrupted-ampersands-crlf.xml': { fails: 'empty' },
  // Entries without a title: the item's title is the first words of its text.
  'edge/double-encoded-utf8-entities.xml': { first: '…' },
  'edge/windows1252-smart-quote.xml': { first: 'don’t' },
  'edge/script-in-cdata-content.xml': { first: 'safe description' },
};

const files = ['real', 'edge'].flatMap((dir) => readdirSync(join(FEEDS, dir)).map((f) => `${dir}/${f}`)).sort();
const served = new Set(files);
const summary = { parsed: [] as string[], items: 0, noItems: [] as string[], failed: new Map<string, string[]>() };

let server: TestServer;
// One Fetcher for every source, as in the worker: loopback allowed for the fixture server (every other
// private range stays refused), no pause between requests to the one host.
const fetcher = new Fetcher({ minDelayMs: 0, allow: 'loopback' });

beforeAll(async () => {
  server = await startServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/feeds\//, '');
    // No robots.txt (404): the Fetcher asks for it once, then fetches as if it allowed everything.
    if (!served.has(path)) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    const type = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
    res.writeHead(200, { 'content-type': type }).end(readFileSync(join(FEEDS, path)));
  });
});
afterAll(() => server.close());

function sourceFor(file: string): Source {
  return {
    id: file.replace(/[/.]/g, '-'),
    type: file.endsWith('.json') ? 'json' : 'rss',
    url: `${server.url}/feeds/${file}`,
    everyMs: 60_000,
    credibility: 1,
    lang: 'und',
    tags: [],
  };
}

/** The poll's result, or its failure as pollFailure reports it (anything else thrown would be a crash). */
async function poll(file: string): Promise<PollResult | { failed: PollFailure }> {
  try {
    return await pollSource(sourceFor(file), { fetcher, now: () => NOW, timeoutMs: 5000 });
  } catch (err) {
    const failed = pollFailure(err);
    if (!failed) throw err;
    return { failed };
  }
}

describe('the shared corpus, served over loopback and polled', () => {
  it('has an expected outcome for every file', () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(files)('%s', async (file) => {
    const want = EXPECTED[file];
    if (!want) return; // reported by the test above
    const got = await poll(file);
    const fails = ITEMS[file]?.fails ?? ('fails' in want ? want.fails : undefined);
    if (fails) {
      expect(got, `${file} should fail`).toHaveProperty('failed');
      const { reason, message } = (got as { failed: PollFailure }).failed;
      expect(reason).toBe(fails);
      // zero-byte.xml fails in fetch ("answered 200 with an empty body") rather than in parse ("empty body").
      if ('message' in want) expect(message).toMatch(want.message);
      summary.failed.set(reason, [...(summary.failed.get(reason) ?? []), file]);
      return;
    }
    if ('fails' in want) throw new Error(`${file}: expected to fail`);
    if ('failed' in got) throw new Error(`${file} failed: ${got.failed.reason}: ${got.failed.message}`);
    expect(got.status).toBe('ok');
    if (got.status !== 'ok') return;
    const diff = ITEMS[file];
    expect(got.items).toHaveLength(diff?.items ?? want.entries);
    // Every entry that made no item is counted, as a duplicate or as empty.
    expect(got.items.length + got.skipped).toBe(want.entries);
    if (got.items.length) expect(got.items[0]?.title).toBe(diff?.first ?? want.first);
    if (want.warning) expect(got.warnings.join('\n')).toMatch(want.warning);
    expect(got.url).toBe(`${server.url}/feeds/${file}`);
    for (const item of got.items) {
      expect(item.title, file).toMatch(/^[^\n]+$/);
      expect(item.source).toBe(sourceFor(file).id);
      expect(Date.parse(item.publishedAt)).toBeLessThanOrEqual(NOW + 86_400_000);
    }
    expect(new Set(got.items.map((i) => i.key)).size).toBe(got.items.length);
    summary.parsed.push(file);
    summary.items += got.items.length;
    if (got.items.length === 0) summary.noItems.push(file);
  });
});

afterAll(() => {
  const failed = [...summary.failed].sort(([a], [b]) => a.localeCompare(b));
  const lines = [
    `poll corpus: ${files.length} files over HTTP, ${summary.parsed.length} parsed (${summary.items} items` +
      `${summary.noItems.length ? `; no item from ${summary.noItems.join(', ')}` : ''}), ` +
      `${failed.reduce((n, [, f]) => n + f.length, 0)} failed`,
    ...failed.map(([reason, list]) => `  ${reason} (${list.length}): ${list.join(', ')}`),
  ];
  console.log(lines.join('\n'));
});
