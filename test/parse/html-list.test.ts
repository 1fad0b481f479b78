// List pages read with the selectors of the shipped watchbook: one fixture page per `html` source
// (test/fixtures/pages/<source-id>.html), read with that source's own `select` and URL, so a change to a
// selector in config/watchbook.yaml is checked against a page it must still read.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadWatchbook } from '../../src/config/index.js';
import type { RawEntry } from '../../src/model/item.js';
import { parsePick } from '../../src/parse/html-list.js';
import { ParseError, parseBody } from '../../src/parse/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PAGES = join(repoRoot, 'test/fixtures/pages');
const NOW = Date.UTC(2026, 6, 20);

const { watchbook, problems } = loadWatchbook(join(repoRoot, 'config'), { PATH: process.env.PATH });
const htmlSources = (watchbook?.sources ?? []).filter((s) => s.type === 'html');

const EXPECTED: Record<string, RawEntry[]> = {
  'kiis-reports': [
    {
      title:
        'Dynamics of readiness for territorial concessions for the sake of ending the war: results of a telephone survey conducted on July 3-12, 2026',
      link: 'https://www.kiis.com.ua/?lang=eng&cat=reports&id=1563&page=1',
      published: '2026-07-17T00:00:00.000Z',
      summary:
        'From July 3 to 12, 2026, KIIS conducted its own all-Ukrainian public opinion poll. 54% of Ukrainians believe that Ukraine should not give up any of its territories under any circumstances.',
    },
    {
      title: 'Attitudes towards security guarantees from Western partners',
      link: 'https://www.kiis.com.ua/?lang=eng&cat=reports&id=1559&page=1',
      published: '2026-07-02T00:00:00.000Z',
      summary: 'Only 27% of respondents trust that guarantees without NATO membership would deter a new attack.',
    },
    {
      title: 'Trust in social institutions, June 2026',
      link: 'https://www.kiis.com.ua/?lang=eng&cat=reports&id=1552&page=1',
      published: '2026-06-19T00:00:00.000Z',
      summary: 'The Armed Forces remain the most trusted institution (94%).',
    },
  ],
  'razumkov-publications': [
    {
      title: 'Citizens’ assessment of the situation in the country and attitudes to peace negotiations (July 2026)',
      link: 'https://razumkov.org.ua/en/research-areas/surveys/citizens-assessment-of-the-situation-in-the-country-and-attitudes-to-peace-negotiations-july-2026',
      published: '2026-07-14T07:00:00.000Z',
      summary:
        'The survey was conducted by the Razumkov Centre sociological service on 4–10 July 2026. Most respondents consider a ceasefire along the current line acceptable only with security guarantees.',
    },
    {
      title: 'Ukraine and NATO: expectations before the summit',
      link: 'https://razumkov.org.ua/en/publications/ukraine-and-nato-after-the-summit',
      published: '2026-06-30T00:00:00.000Z',
      summary: 'An analytical report on Alliance assurances for partners.',
    },
    {
      // no datetime attribute: the <time> element's text is read instead
      title: 'Trust in public institutions (June 2026)',
      link: 'https://razumkov.org.ua/en/research-areas/surveys/trust-in-institutions-june-2026',
      published: '2026-06-18T00:00:00.000Z',
      summary: 'Trust in the President, the Government and the Verkhovna Rada.',
    },
  ],
  'rating-research': [
    {
      // relative to <base href="https://ratinggroup.ua/en/">, not to the page URL
      title: 'Public opinion on peace talks and territorial questions: July 2026',
      link: 'https://ratinggroup.ua/en/research/ukraine/public_opinion_on_peace_talks_july_2026.html',
      published: '2026-07-10T09:00:00.000Z',
      summary: '48% of respondents reject a freeze of the front line without security guarantees; 31% would accept it.',
    },
    {
      title: 'Attitudes to EU and NATO membership: June 2026',
      link: 'https://ratinggroup.ua/en/research/ukraine/attitudes_to_eu_and_nato_june_2026.html',
      published: '2026-06-25T06:30:00.000Z',
      summary: 'Support for joining NATO stays at 78%.',
    },
    {
      title: 'Socio-political moods of the population: May 2026',
      link: 'https://ratinggroup.ua/en/research/ukraine/socio_political_moods_may_2026.html',
      published: '2026-05-28T12:00:00.000Z',
      summary: 'Ratings of trust in politicians and expectations for the year.',
    },
  ],
};

describe('list pages of the shipped html sources', () => {
  it('has a fixture page and expected entries for every html source in config/watchbook.yaml', () => {
    expect(problems).toEqual([]);
    expect(htmlSources.length).toBeGreaterThan(0);
    for (const source of htmlSources) {
      expect(existsSync(join(PAGES, `${source.id}.html`)), `test/fixtures/pages/${source.id}.html`).toBe(true);
      expect(EXPECTED[source.id], source.id).toBeDefined();
    }
  });

  it.each(htmlSources.map((s) => [s.id, s] as const))('reads %s with its own select', async (id, source) => {
    const html = readFileSync(join(PAGES, `${id}.html`), 'utf8');
    const { entries, warnings } = await parseBody(html, {
      type: 'html',
      url: source.url,
      select: source.select!,
      now: NOW,
    });
    expect(entries).toEqual(EXPECTED[id]);
    if (id === 'rating-research')
      expect(warnings).toEqual(['parse: skipped 1 of 4 "article" element(s) without a title or link']);
    else expect(warnings).toEqual([]);
  });
});

describe('html list pages', () => {
  const select = {
    item: 'li.collection-result',
    title: 'a.collection-result__link',
    link: 'a.collection-result__link@href',
    date: '.collection-result-meta span:last-child',
  };
  // The State Department's press-release list, as MANIFEST.md describes its markup.
  const stateDept = `<!DOCTYPE html><html><head><title>Press Releases</title></head><body><ul class="collection-results">
    <li class="collection-result"><a class="collection-result__link" href="/secretary-rubios-call-with-ukrainian-foreign-minister/">Secretary Rubio’s Call with Ukrainian Foreign Minister</a>
      <div class="collection-result-meta"><span>Readout</span><span>July 17, 2026</span></div></li>
    <li class="collection-result"><a class="collection-result__link" href="https://www.state.gov/joint-statement-miami/">Joint Statement on the Miami Working Group</a>
      <div class="collection-result-meta"><span>Media Note</span><span>January 9, 2026</span></div></li>
  </ul></body></html>`;

  it('resolves relative links against the page URL and reads "July 17, 2026" dates from text', async () => {
    const { entries } = await parseBody(stateDept, {
      type: 'html',
      url: 'https://www.state.gov/press-releases/',
      select,
      now: NOW,
    });
    expect(entries).toEqual([
      {
        title: 'Secretary Rubio’s Call with Ukrainian Foreign Minister',
        link: 'https://www.state.gov/secretary-rubios-call-with-ukrainian-foreign-minister/',
        published: '2026-07-17T00:00:00.000Z',
      },
      {
        title: 'Joint Statement on the Miami Working Group',
        link: 'https://www.state.gov/joint-statement-miami/',
        published: '2026-01-09T00:00:00.000Z',
      },
    ]);
  });

  it('resolves links against <base href>, itself relative to the page', async () => {
    const html =
      '<html><head><base href="/archive/2026/"></head><body><div class="x"><a href="item.html">One</a></div></body></html>';
    const { entries } = await parseBody(html, {
      type: 'html',
      url: 'https://example.org/news/list?page=1',
      select: { item: '.x', title: 'a', link: 'a' },
    });
    expect(entries).toEqual([{ title: 'One', link: 'https://example.org/archive/2026/item.html' }]);
  });

  it('reads an attribute of the item element itself with a bare @attr', async () => {
    const html = '<div><a class="card" href="/a" data-date="2026-07-01"><span>Card A</span></a></div>';
    const { entries } = await parseBody(html, {
      type: 'html',
      url: 'https://example.org/',
      select: { item: 'a.card', title: 'span', link: '@href', date: '@data-date' },
      now: NOW,
    });
    expect(entries).toEqual([
      { title: 'Card A', link: 'https://example.org/a', published: '2026-07-01T00:00:00.000Z' },
    ]);
  });

  it('leaves published unset and warns when the date text is not a date', async () => {
    const html = '<div class="x"><a href="/a">A</a><i>yesterday</i></div>';
    const { entries, warnings } = await parseBody(html, {
      type: 'html',
      url: 'https://example.org/',
      select: { item: '.x', title: 'a', link: 'a', date: 'i' },
    });
    expect(entries).toEqual([{ title: 'A', link: 'https://example.org/a' }]);
    expect(warnings).toEqual(['parse: some items have a date we cannot read (e.g. "yesterday")']);
  });

  // prettier-ignore
  it.each([
    ['no element matches the item selector', '<p>nothing</p>', { item: '.news_item', title: 'h2', link: 'a' }, 'empty', /no element matches the item selector ".news_item"/],
    ['an invalid selector', '<p>x</p>', { item: 'div[', title: 'h2', link: 'a' }, 'parse-error', /invalid item selector "div\["/],
    ['items without titles or links', '<div class="x"><p>promo</p></div>', { item: '.x', title: 'h2', link: 'a', summary: 'p' }, 'empty', /has a title or link/],
  ])('fails a page with %s', async (_name, html, select, reason, message) => {
    const err = await parseBody(html, { type: 'html', url: 'https://example.org/', select }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParseError);
    expect(err).toMatchObject({ reason });
    expect((err as Error).message).toMatch(message);
  });

  it.each([
    ['h2 a@href', { selector: 'h2 a', attr: 'href' }],
    ['time@datetime', { selector: 'time', attr: 'datetime' }],
    ['@href', { selector: '', attr: 'href' }],
    ['h2 a', { selector: 'h2 a' }],
    ['a[href^="mailto:x@y"]', { selector: 'a[href^="mailto:x@y"]' }],
  ])('splits %s into a selector and an attribute', (spec, want) => {
    expect(parsePick(spec)).toEqual(want);
  });
});
