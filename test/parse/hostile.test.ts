// Hostile pages and feeds (issue 12, defect 8): nesting past what a browser builds, internal entities that
// expand past V8's string limit, hundreds of thousands of made-up entity names. Each case asserts what the
// reader does (keeps the good items, caps the depth, names a reason); the test timeouts are only a net.
import { describe, expect, it } from 'vitest';
import { decodeEntities } from '../../src/items/entities.js';
import { ParseError, parseBody } from '../../src/parse/index.js';
import { capDepth, MAX_DEPTH } from '../../src/parse/html-depth.js';
import { MAX_ENTITY_EXPANSION } from '../../src/parse/xml-clean.js';
import { pollFailure } from '../../src/pipeline/poll.js';

const NOW = Date.UTC(2026, 6, 18);
const URL_ = 'https://hostile.example.org/feed';

const nested = (depth: number, inner: string, tag = 'div') =>
  `<${tag}>`.repeat(depth) + inner + `</${tag}>`.repeat(depth);
const escaped = (html: string) => html.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const rss = (items: string, doctype = '') =>
  `<?xml version="1.0"?>${doctype}<rss version="2.0"><channel><title>Wire</title><link>https://hostile.example.org/</link>${items}</channel></rss>`;
const rssItem = (title: string, link: string, description = '') =>
  `<item><title>${title}</title><link>${link}</link>${description && `<description>${description}</description>`}</item>`;

/** The deepest element nesting in `html`, counting start and end tags (void elements are not used here). */
function depthOf(html: string): number {
  let depth = 0;
  let max = 0;
  for (const m of html.matchAll(/<(\/?)[a-z][^>]*>/gi)) {
    depth += m[1] ? -1 : 1;
    max = Math.max(max, depth);
  }
  return max;
}

/** What the reader threw, or undefined. */
async function thrown(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
    return undefined;
  } catch (err) {
    return err;
  }
}

describe('capDepth', () => {
  it('returns shallow HTML unchanged', () => {
    const html = '<ul><li><a href="/a">One</a><li>Two</ul><p>a<p>b<br><img src=x>';
    expect(capDepth(html)).toEqual({ html, dropped: 0 });
  });

  it(`unwraps elements nested deeper than ${MAX_DEPTH} levels and keeps their text`, () => {
    const { html, dropped } = capDepth(nested(100_000, 'deep text'));
    expect(depthOf(html)).toBe(MAX_DEPTH);
    expect(dropped).toBe(2 * (100_000 - MAX_DEPTH));
    expect(html).toContain('deep text');
  });

  it('counts <li> and <p> siblings that are never closed as siblings, not as nesting', () => {
    const html = `<ul>${'<li>item'.repeat(5000)}</ul>${'<p>para'.repeat(5000)}`;
    expect(capDepth(html).dropped).toBe(0);
  });

  it('does not read tags inside a script, or a ">" inside a quoted attribute', () => {
    const html = `<script>${'<div>'.repeat(1000)}</script><a title="${'<b>'.repeat(1000)}">x</a>`.repeat(2);
    expect(capDepth(html).dropped).toBe(0);
  });

  it('stays linear on end tags that close nothing among dropped elements', () => {
    const html = '<div>'.repeat(50_000) + '</span>'.repeat(50_000) + 'text';
    const { html: out } = capDepth(html);
    expect(depthOf(out.replace(/<\/span>/g, ''))).toBeLessThanOrEqual(MAX_DEPTH);
    expect(out).toContain('text');
  }, 30_000);
});

describe('deeply nested HTML', () => {
  it('reads a list page whose item nests 100,000 divs, keeping both items and warning of the cap', async () => {
    const page =
      `<html><body><article><h2><a href="/one">One</a></h2>${nested(100_000, 'deep summary')}</article>` +
      `<article><h2><a href="/two">Two</a></h2><div>plain summary</div></article></body></html>`;
    const { entries, warnings } = await parseBody(page, {
      type: 'html',
      url: 'https://pollster.example.org/reports',
      select: { item: 'article', title: 'h2 a', link: 'h2 a@href', summary: 'div' },
      now: NOW,
    });
    expect(entries.map((e) => [e.title, e.summary])).toEqual([
      ['One', 'deep summary'],
      ['Two', 'plain summary'],
    ]);
    expect(warnings).toContainEqual(
      expect.stringMatching(new RegExp(`^parse: dropped \\d+ tag\\(s\\) nested deeper than ${MAX_DEPTH} levels`)),
    );
  }, 60_000);

  it('keeps the feed when one item’s description nests 10,000 elements', async () => {
    const feed = rss(
      rssItem('Bad', 'https://hostile.example.org/1', escaped(nested(10_000, 'inside'))) +
        rssItem('Good', 'https://hostile.example.org/2', 'fine'),
    );
    const { entries } = await parseBody(feed, { type: 'rss', url: URL_, now: NOW });
    expect(entries.map((e) => [e.title, e.summary])).toEqual([
      ['Bad', 'inside'],
      ['Good', 'fine'],
    ]);
  }, 60_000);

  it('keeps a JSON Feed whose item summary opens 10,000 elements', async () => {
    const body = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      items: [
        { id: '1', title: 'Bad', url: 'https://hostile.example.org/1', summary: `${'<b>'.repeat(10_000)}bold` },
        { id: '2', title: 'Good', url: 'https://hostile.example.org/2', summary: 'fine' },
      ],
    });
    const { entries } = await parseBody(body, { type: 'json', url: URL_, now: NOW });
    expect(entries.map((e) => [e.title, e.summary])).toEqual([
      ['Bad', 'bold'],
      ['Good', 'fine'],
    ]);
  }, 60_000);
});

describe('many attributes', () => {
  it('reads an item whose element carries 100,000 attributes, each name checked once', async () => {
    const attrs = Array.from({ length: 100_000 }, (_, i) => `a${i}="v"`).join(' ');
    const feed = rss(
      rssItem('Many', 'https://hostile.example.org/1') + `<item><title>Next</title><x ${attrs}/></item>`,
    );
    const { entries } = await parseBody(feed, { type: 'rss', url: URL_, now: NOW });
    expect(entries.map((e) => e.title)).toEqual(['Many', 'Next']);
  }, 60_000);
});

describe('internal entities', () => {
  it('refuses a feed whose DOCTYPE entity expands past the limit as a parse error with a reason', async () => {
    const doctype = `<!DOCTYPE rss [<!ENTITY big "${'x'.repeat(1 << 20)}">]>`;
    const feed = rss(rssItem('A', 'https://hostile.example.org/1', '&big;'.repeat(600)), doctype);
    const err = await thrown(() => parseBody(feed, { type: 'rss', url: URL_, now: NOW }));
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).reason).toBe('parse-error');
    expect((err as ParseError).message).toMatch(
      new RegExp(`entities expand to more than ${MAX_ENTITY_EXPANSION} characters`),
    );
    // what the worker records for the source: an error with a reason from the closed set, hence a backoff
    expect(pollFailure(err)).toEqual({ reason: 'parse-error', message: (err as ParseError).message });
  }, 60_000);

  it('still expands a small DOCTYPE entity used a few times', async () => {
    const feed = rss(rssItem('&org; talks', 'https://hostile.example.org/1'), '<!DOCTYPE rss [<!ENTITY org "NATO">]>');
    const { entries } = await parseBody(feed, { type: 'rss', url: URL_, now: NOW });
    expect(entries[0]!.title).toBe('NATO talks');
  });
});

describe('many distinct unknown entities', () => {
  it('keeps 200,000 made-up names as written and still decodes a rare real one after them', async () => {
    const names = Array.from({ length: 200_000 }, (_, i) => `&zq${i.toString(36)};`).join(' ');
    const feed = rss(rssItem(`Talks ${names} &Kcy;`, 'https://hostile.example.org/1'));
    const { entries } = await parseBody(feed, { type: 'rss', url: URL_, now: NOW });
    const title = entries[0]!.title!;
    expect(title.startsWith('Talks &zq0; &zq1; ')).toBe(true);
    expect(title.endsWith(`&zq${(199_999).toString(36)}; К`)).toBe(true);
  }, 60_000);

  it('decodes every rare name in a text, however many made-up ones come first', () => {
    const fakes = Array.from({ length: 100 }, (_, i) => `&fake${i};`).join('');
    expect(decodeEntities(`${fakes}&Kcy;&yicy;&NotNestedGreaterGreater;`)).toBe(`${fakes}Кї⪢̸`);
  });
});
