// The DOM-free reading of simple HTML against cheerio's, which it stands in for: on every case it takes, the
// same text; on every case it leaves to cheerio, undefined. Named cases first, then every field of every
// feed in the shared corpus (../shared/corpus, beside the repository).
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'cheerio';
import Parser from 'rss-parser';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/fetch/charset.js';
import { simpleHtmlText } from '../../src/parse/simple-html.js';
import { cleanXml } from '../../src/parse/xml-clean.js';

const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus/feeds');

/** What plainText read before the fast path: cheerio's text() with scripts and the like removed. */
function viaCheerio(html: string): string {
  const $ = load(html, null, false);
  $('script, style, noscript, template').remove();
  return $.root().text();
}

describe('simple HTML read without a DOM', () => {
  it.each([
    ['plain text', 'Talks in Geneva', 'Talks in Geneva'],
    [
      'paragraphs and links',
      '<p>Talks <a href="https://x.test/a?b=1&amp;c=2">resume</a></p><p>Today</p>',
      'Talks resumeToday',
    ],
    ['an image with a quoted ">"', '<img alt="a > b" src=x.png/>After', 'After'],
    [
      'named, numeric and legacy references',
      '&amp; &#1050; &#x41A; &nbsp &copy2026 &notit; &#150;',
      '& К К \u00A0 ©2026 ¬it; –',
    ],
    ['upper-case tags and spaced attributes', '<P CLASS = "a" data-x=\'1\' hidden>Kyiv</P >', 'Kyiv'],
    ['a "<" that starts no tag', 'a < b, <3 and <', 'a < b, <3 and <'],
    ['misnested inline tags keep their text in order', '<b>1<i>2</b>3</i>4<a>5<a>6</a>', '123456'],
    ['an end tag with nothing open', 'a</p>b</br>c', 'abc'],
    ['CR LF in text', 'a\r\nb', 'a\nb'],
  ])('%s', (_name, html, want) => {
    expect(simpleHtmlText(html)).toBe(want);
    expect(viaCheerio(html)).toBe(want);
  });

  it.each([
    ['a table, whose stray text moves before it', '<table>a<tr><td>b</td></tr></table>'],
    ['a script', '<p>a</p><script>var x = "<b>";</script>'],
    ['a comment', 'a<!-- b -->c'],
    ['a processing instruction', 'a<?php b ?>c'],
    ['pre, whose leading newline goes', '<pre>\nx</pre>'],
    ['a textarea, read raw', '<textarea><b>x</b></textarea>'],
    ['a title, read raw', '<title>a &amp; <b></title>'],
    ['svg', '<svg><title>t</title></svg>'],
    ['select', '<select><option>a</option></select>'],
    ['an unknown element', '<my-widget>x</my-widget>'],
    ['an unquoted value with a quote in it', '<a href=x"y>z</a>'],
    ['attributes not separated by a space', '<a href="x"title="y">z</a>'],
    ['an end tag with attributes', '<b>x</b class="y">'],
    ['a bogus end tag', 'a</ b>c'],
    ['an unclosed tag', 'a<b'],
    ['a no-break space inside a tag', '<p\u00A0class="x">y</p>'],
    ['a NUL character', 'a\u0000b'],
  ])('leaves %s to the DOM', (_name, html) => {
    expect(simpleHtmlText(html)).toBeUndefined();
  });

  it('reads every field of the corpus feeds as cheerio does, and most of them without it', async () => {
    const parser = new Parser();
    const dirs = ['real', 'edge'];
    let taken = 0;
    let fields = 0;
    for (const dir of dirs) {
      for (const name of readdirSync(join(CORPUS, dir))
        .filter((n) => n.endsWith('.xml'))
        .sort()) {
        let items: object[];
        try {
          const bytes = readFileSync(join(CORPUS, dir, name));
          // Repaired as parseBody repairs it (a DOCTYPE's entities expanded within bounds, bare "&" escaped).
          items = (await parser.parseString(cleanXml(decodeBody(bytes).text).xml)).items;
        } catch {
          continue; // not XML even when repaired, or cut short: no fields to compare
        }
        for (const item of items) {
          for (const value of Object.values(item)) {
            if (typeof value !== 'string' || !/[<&]/.test(value)) continue;
            fields++;
            const fast = simpleHtmlText(value);
            if (fast === undefined) continue;
            taken++;
            expect(fast, `${dir}/${name}: ${value.slice(0, 200)}`).toBe(viaCheerio(value));
          }
        }
      }
    }
    expect(fields).toBeGreaterThan(400);
    expect(taken / fields).toBeGreaterThan(0.9);
  });

  it('reads 20,000 fragments strung from tricky pieces as cheerio does whenever it reads them at all', () => {
    // prettier-ignore
    const pieces = [
      'a', ' ', 'Київ', '\r\n', '\r', '\t', '<b>', '</b>', '<i>', '</I>', '<p>', '</p>', '<a href="x?a=1&amp;b">', '</a>', '<br>',
      '<br/>', '</br>', '<img src=x.png alt=\'a>b\'>', '<li>', '<ul>', '</ul>', '<div class = "c">', '</div>', '<h2>', '</h2>',
      '&amp;', '&amp', '&lt', '&#150;', '&#x41A;', '&#0;', '&#xD800;', '&#1114112;', '&notit;', '&copy2026', '&bogus;', '&', '<', '<3',
      '< b', '>', '"', "'", '=', '/', '<table>', '<td>', '<script>', '</script>', '<!--', '-->', '<pre>', '\n', '<span\nid=s>',
    ];
    let seed = 20261126;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    let taken = 0;
    for (let n = 0; n < 20_000; n++) {
      let html = '';
      for (let k = 1 + Math.floor(random() * 12); k > 0; k--) html += pieces[Math.floor(random() * pieces.length)];
      const fast = simpleHtmlText(html);
      if (fast === undefined) continue;
      taken++;
      expect(fast, JSON.stringify(html)).toBe(viaCheerio(html));
    }
    expect(taken).toBeGreaterThan(5_000);
  });
});
