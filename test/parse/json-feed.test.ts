import { describe, expect, it } from 'vitest';
import { ParseError, parseBody } from '../../src/parse/index.js';

const NOW = Date.UTC(2026, 6, 20);

describe('JSON Feed', () => {
  it('reads a 1.1 feed: relative urls, authors, HTML content with its links made absolute', async () => {
    const body = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'Example Desk',
      home_page_url: 'https://desk.example.org/',
      authors: [{ name: 'Feed Author' }],
      items: [
        {
          id: 'https://desk.example.org/2026/07/talks',
          url: '/2026/07/talks',
          title: 'Talks &amp; guarantees',
          summary: 'The <b>short</b> version.',
          content_html: '<p>See <a href="/maps/front">the map</a>.</p>',
          date_published: '2026-07-17T10:00:00+03:00',
          authors: [{ name: 'Reporter One' }],
        },
        {
          id: 42,
          external_url: 'https://elsewhere.example.com/story',
          content_text: 'Microblog post without a title.',
          date_modified: '2026-07-18T08:00:00Z',
        },
      ],
    });
    const { entries, warnings } = await parseBody(body, {
      type: 'json',
      url: 'https://desk.example.org/feed.json',
      now: NOW,
    });
    expect(warnings).toEqual([]);
    expect(entries).toEqual([
      {
        guid: 'https://desk.example.org/2026/07/talks',
        link: 'https://desk.example.org/2026/07/talks',
        title: 'Talks & guarantees',
        summary: 'The short version.',
        content: '<p>See <a href="https://desk.example.org/maps/front">the map</a>.</p>',
        author: 'Reporter One',
        published: '2026-07-17T07:00:00.000Z',
      },
      {
        guid: '42',
        link: 'https://elsewhere.example.com/story',
        content: 'Microblog post without a title.',
        author: 'Feed Author',
        published: '2026-07-18T08:00:00.000Z',
      },
    ]);
  });

  it('reads a 1.0 item author, and is found behind an rss source too', async () => {
    const body = JSON.stringify({
      version: 'https://jsonfeed.org/version/1',
      items: [{ id: 'a', url: 'https://x.example/a', title: 'A', author: { name: 'Old Style' } }],
    });
    const { entries } = await parseBody(body, { type: 'rss', url: 'https://x.example/feed.json', now: NOW });
    expect(entries).toEqual([{ guid: 'a', link: 'https://x.example/a', title: 'A', author: 'Old Style' }]);
  });

  it.each([
    ['{"version": "https://jsonfeed.org/version/1.1", "items": [', 'parse-error', /not valid JSON/],
    ['{"title": "no items"}', 'parse-error', /not a JSON Feed: no "items" array/],
    ['[1, 2, 3]', 'parse-error', /not a JSON Feed/],
    ['{"version": "https://jsonfeed.org/version/1.1", "items": []}', 'empty', /has no entries/],
    [
      '{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "only-an-id"}]}',
      'empty',
      /none of the 1 entries has a title, link or text/,
    ],
  ])('fails %s as %s', async (body, reason, message) => {
    const err = await parseBody(body, { type: 'json', url: 'https://x.example/feed.json' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParseError);
    expect(err).toMatchObject({ reason });
    expect((err as Error).message).toMatch(message);
  });
});
