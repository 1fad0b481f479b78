// The digest email's events and trend pictures: every event once in the order it came, with its snippet
// (matched words marked in HTML, plain in text), sources, rules and links; one PNG a scenario, shown by
// Content-ID.
import { describe, expect, it } from 'vitest';
import type { DigestEvent } from '../../src/model/alert.js';
import { renderDigestEmail } from '../../src/notify/render-email.js';
import { AT, FROM, digest, foreignMarkup } from './build.js';

const HOUR = 3_600_000;
const event = (over: Partial<DigestEvent>): DigestEvent => ({
  at: AT,
  title: 'Headline',
  source: 'src',
  terms: [],
  sources: ['src'],
  rules: ['rule'],
  indicators: ['ind'],
  weights: { risk: 0.5 },
  ...over,
});

const d = digest({
  overviewUrl: 'https://signpost.example.org/',
  trendFrom: AT - 7 * 24 * HOUR,
  // prettier-ignore
  scenarios: [
    { id: 'risk', title: 'Risk', probability: 0.58, change: 0.06, enter: 0.55, exit: 0.45, trend: [{ at: AT - 48 * HOUR, probability: 0.4 }, { at: AT - HOUR, probability: 0.58 }] },
    { id: 'baseline', title: 'Baseline', probability: 0.42, change: -0.06, trend: [] },
  ],
  // prettier-ignore
  events: [
    event({ at: AT - 5 * HOUR, title: 'Kyiv rejects ceding Donbas', url: 'https://news.example/1', terms: ['reject*', 'Donbas'], sources: ['nyt-world', 'bbc-world'], rules: ['rule-a', 'rule-b'], indicators: ['ukraine-polling', 'ceasefire'] }),
    event({ at: AT - 2 * HOUR, title: 'Poll on talks', url: 'https://news.example/2', snippet: 'most respondents oppose any concession', terms: ['oppos*'] }),
  ],
});
const mail = renderDigestEmail(d, { from: FROM, timeZone: 'Europe/Kyiv' });

describe('digest email events', () => {
  it('lists each event once, numbered in the order it came, with its time in the watch zone', () => {
    const first = mail.text.indexOf('1. 2026-01-05 04:30 Europe/Kyiv  Kyiv rejects ceding Donbas');
    const second = mail.text.indexOf('2. 2026-01-05 07:30 Europe/Kyiv  Poll on talks');
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
    expect(mail.text).toContain('Events (2, in the order they came)');
    expect(mail.text.split('Kyiv rejects ceding Donbas')).toHaveLength(2);
  });

  it('marks the matched words of the snippet in HTML, a prefix term marking the whole word, and leaves the text plain', () => {
    expect(mail.html).toContain('Kyiv <mark>rejects</mark> ceding <mark>Donbas</mark>');
    expect(mail.html).toContain('most respondents <mark>oppose</mark> any concession');
    expect(mail.text).toContain('"most respondents oppose any concession"');
    expect(mail.text).not.toMatch(/[*_]oppose/);
  });

  it('names every source, rule and indicator of an event', () => {
    expect(mail.text).toContain(
      'sources nyt-world, bbc-world · rules rule-a, rule-b · matched reject*, Donbas · weights risk +0.50 (nats) · indicators ukraine-polling, ceasefire',
    );
  });

  it('links each event to its item and to the overview, and the digest to the overview', () => {
    expect(mail.text).toContain('Overview: https://signpost.example.org/');
    expect(mail.text.match(/overview: https:\/\/signpost\.example\.org\//g)).toHaveLength(2);
    expect(mail.html).toContain(
      '<a href="https://news.example/2">open the item</a> · <a href="https://signpost.example.org/">see it on the overview</a>',
    );
    expect(mail.html).toContain('<a href="https://signpost.example.org/">Open the overview</a>');
    expect(foreignMarkup(mail.html)).toEqual([]);
  });

  it('says so when there are no events, and leaves the overview out when the watchbook does not give it', () => {
    const empty = renderDigestEmail(digest({ events: [] }), { from: FROM });
    expect(empty.text).toContain('Events (0, in the order they came)\n  (none)');
    expect(empty.text).not.toContain('verview');
    expect(empty.attachments).toBeUndefined();
  });
});

describe('digest email trend pictures', () => {
  it('attaches one PNG a scenario with states, shown inline by its Content-ID', () => {
    expect(mail.attachments).toHaveLength(1);
    const [png] = mail.attachments!;
    expect(png!.contentType).toBe('image/png');
    expect([...png!.content.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    expect(mail.html).toContain(
      `<img src="cid:${png!.cid}" width="240" height="48" alt="risk over the last 7 days: 40% to 58% (alert at 55%, clears under 45%)"`,
    );
  });

  it('draws the trend in text as block characters', () => {
    expect(mail.text).toMatch(
      /risk: 58% \(\+6 pts\) - Risk\n {4}[·▁▂▃▄▅▆▇█]{24} {2}last 7 days \(alert at 55%, clears under 45%\)/,
    );
  });
});
