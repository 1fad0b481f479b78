import { describe, expect, it } from 'vitest';
import { decodeEntities, htmlToText } from '../../src/items/index.js';

// Table: [behaviour, input, expected text].
type Case = [name: string, input: string, expected: string];

// prettier-ignore
const plain: Case[] = [
  ['passes plain English text through unchanged', 'NATO allies meet in Ankara.', 'NATO allies meet in Ankara.'],
  ['passes plain Ukrainian text through unchanged', 'КМІС: 75% українців проти поступок', 'КМІС: 75% українців проти поступок'],
  ['keeps an empty string empty', '', ''],
  ['trims and collapses spaces and tabs in plain text', '  Talks \t resume  ', 'Talks resume'],
  ['keeps a paragraph break of plain text as one line break', 'First paragraph.\n\n\nSecond one.', 'First paragraph.\nSecond one.'],
  ['reads CRLF line ends as one line break', 'One\r\n\r\nTwo', 'One\nTwo'],
  ['keeps a "<" that starts no tag ("a < b", "<3")', 'turnout < 50% <3', 'turnout < 50% <3'],
  ['keeps a tag that never closes as text', 'Unclosed <b tag', 'Unclosed <b tag'],
];

const tags: Case[] = [
  ['drops tags and keeps their text', '<p>Talks <b>resume</b> in <a href="/x">Miami</a></p>', 'Talks resume in Miami'],
  ['joins a word split by inline tags, as a browser shows it', '<b>Kyi</b>v', 'Kyiv'],
  ['reads nested tags', '<div><section><p><em><strong>Deep</strong> text</em></p></section></div>', 'Deep text'],
  ['breaks the line at paragraphs', '<p>First.</p><p>Second.</p>', 'First.\nSecond.'],
  ['breaks the line at <br>, <br/> and <BR >', 'One<br>Two<br/>Three<BR >Four', 'One\nTwo\nThree\nFour'],
  ['makes several breaks in a row one break', '<p>A</p>\n\n<br><br><p>B</p>', 'A\nB'],
  ['reads source line breaks inside markup as spaces', '<p>Spread\n   over\nlines</p>', 'Spread over lines'],
  ['puts list items on their own lines', '<ul><li>one</li><li>two</li></ul>', 'one\ntwo'],
  [
    'separates table cells by a space and rows by a break',
    '<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>',
    'a b\nc',
  ],
  ['reads a ">" inside a quoted attribute as part of the tag', '<a title="a > b" href="x">link</a> text', 'link text'],
  ['ignores upper-case tag names', '<P>Upper</P><DIV>case</DIV>', 'Upper\ncase'],
  ['drops an image and keeps the words around it apart', 'before<img src="x.jpg" alt="photo">after', 'before after'],
];

const dropped: Case[] = [
  ['drops a script with its code', '<script>var x = "<p>no</p>";</script>Visible', 'Visible'],
  [
    'drops an upper-case script with attributes and a spaced end tag',
    '<SCRIPT type="text/javascript">alert(1)</SCRIPT >ok',
    'ok',
  ],
  ['drops a style with its rules', '<style>p { color: red }</style><p>Text</p>', 'Text'],
  ['drops noscript fallback text', '<noscript>Please enable JavaScript</noscript>News', 'News'],
  ['drops video fallback text', '<video src="v.mp4">Your browser does not support video.</video>Story', 'Story'],
  ['drops an inline SVG with its labels', '<svg><text>icon</text></svg>Headline', 'Headline'],
  ['drops everything after a script that never closes, as a browser does', 'Text<script>track(', 'Text'],
  ['keeps the text after a noscript that never closes', '<noscript>Enable JS to read', 'Enable JS to read'],
  ['drops comments', 'before<!-- a <b>comment</b> -->after', 'beforeafter'],
  ['drops doctypes and processing instructions', '<!DOCTYPE html><?xml version="1.0"?>text', 'text'],
];

const cdata: Case[] = [
  ['drops CDATA markers left by a feed that wrapped its HTML twice', '<![CDATA[<p>Talks resume</p>]]>', 'Talks resume'],
  ['keeps a ">" inside a CDATA leftover as text', '<![CDATA[Turnout > 60%]]>', 'Turnout > 60%'],
  ['drops a stray CDATA end marker', 'Peace framework]]>', 'Peace framework'],
  ['drops CDATA markers that were escaped', '&lt;![CDATA[Title]]&gt;', 'Title'],
];

// prettier-ignore
const entities: Case[] = [
  ['decodes the named entities feeds use', 'Q&amp;A &laquo;quote&raquo; &mdash; &hellip;', 'Q&A «quote» — …'],
  ['reads &nbsp; as a space', 'Second&nbsp;para', 'Second para'],
  ['decodes decimal references to Ukrainian letters', '&#1050;&#1080;&#1111;&#1074;', 'Київ'],
  ['decodes hex references to Ukrainian letters in any case', '&#x41A;&#x438;&#X457;&#x432;', 'Київ'],
  ['decodes named Cyrillic entities from the full HTML table', '&Kcy;&icy;&yicy;&vcy; &IOcy;&lcy;&kcy;&acy;', 'Київ Ёлка'],
  ['decodes references to astral characters', '&#x1F1FA;&#x1F1E6;', '🇺🇦'],
  ['reads windows-1252 numbers as the characters they mean', 'a &#150; b &#146;s &#147;q&#148;', 'a – b ’s “q”'],
  ['decodes once: &amp;amp; is the text &amp;', '&amp;amp; and &amp;lt;', '&amp; and &lt;'],
  ['keeps an escaped tag as text when the field has real markup', '<p>Use &lt;b&gt; for bold</p>', 'Use <b> for bold'],
  ['reads a field escaped twice as HTML', '&lt;p&gt;Talks &amp;amp; truce&lt;/p&gt;&lt;p&gt;Next&lt;/p&gt;', 'Talks & truce\nNext'],
  ['decodes &amp and &nbsp without a semicolon', 'Q&amp A&nbsp;B', 'Q& A B'],
  ['keeps other names without a semicolon (a query string in text stays)', '?a=1&copy=2&notice=3', '?a=1&copy=2&notice=3'],
  ['keeps unknown entities and bare ampersands', 'AT&T &madeup; & more', 'AT&T &madeup; & more'],
  ['reads out-of-range and surrogate numbers as U+FFFD', '&#0; &#xD800; &#99999999999;', '\uFFFD \uFFFD \uFFFD'],
];

const invisible: Case[] = [
  [
    'drops soft hyphens, which would split a word for the rules',
    'con\u00ADtent and con&shy;tent',
    'content and content',
  ],
  ['drops zero-width spaces and BOMs', '\uFEFFKyiv\u200B', 'Kyiv'],
  ['drops control characters', 'bad\u0001byte\u001F', 'badbyte'],
  ['reads a non-breaking space character as a space', 'a\u00A0\u00A0b', 'a b'],
];

describe('htmlToText', () => {
  describe.each([
    ['plain text', plain],
    ['tags', tags],
    ['content that is not text', dropped],
    ['CDATA leftovers', cdata],
    ['character references', entities],
    ['invisible characters', invisible],
  ] as const)('%s', (_group, cases) => {
    it.each(cases)('%s', (_name, input, expected) => {
      expect(htmlToText(input)).toBe(expected);
    });
  });

  it('reads a realistic feed description (BBC style: CDATA, entities, image, paragraphs)', () => {
    const html =
      '<![CDATA[<p><img src="https://ichef.bbci.co.uk/x.jpg" width="240"/>US and European officials ended a second round of talks in Miami on Saturday.</p>' +
      '<p>&#8220;We narrowed the gaps,&#8221; a diplomat said &ndash; but the sequencing is &quot;still open&quot;.</p>]]>';
    expect(htmlToText(html)).toBe(
      'US and European officials ended a second round of talks in Miami on Saturday.\n“We narrowed the gaps,” a diplomat said – but the sequencing is "still open".',
    );
  });

  // A feed is untrusted input: these would take minutes if each "<" rescanned the rest of the text.
  it.each([
    ['tags that never close', '<a '.repeat(300_000), '<a <a'],
    ['stray "<" before one ">" at the very end', `${'< '.repeat(300_000)}>`, '< < <'],
    ['media elements that never close', '<video>x'.repeat(100_000), 'x x x'],
    ['quotes that never close', '<a b="x'.repeat(100_000), '<a b="x'],
  ])('reads a megabyte of %s in one pass', (_name, html, start) => {
    expect(htmlToText(html).startsWith(start)).toBe(true);
  });

  it('keeps thousands of made-up entity names as written (each is not sent to the HTML parser)', () => {
    const html = Array.from({ length: 5000 }, (_, i) => `<p>word &fake${i}; x</p>`).join('');
    const text = htmlToText(html);
    expect(text.split('\n')).toHaveLength(5000);
    expect(text).toContain('word &fake4999; x');
  });
});

describe('decodeEntities', () => {
  it('leaves a text without "&" as it is', () => {
    const text = 'Переговори в Маямі';
    expect(decodeEntities(text)).toBe(text);
  });

  it('decodes the same rare name every time', () => {
    expect(decodeEntities('&Jukcy;&jukcy;')).toBe('Єє');
    expect(decodeEntities('&Jukcy;&jukcy;')).toBe('Єє');
  });
});
