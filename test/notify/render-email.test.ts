// renderNotificationEmail and renderDigestEmail as tables: subjects, the explanation in both parts,
// escaping of hostile strings, links only for http(s), stable Message-IDs.
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/model/alert.js';
import { messageId } from '../../src/notify/explain.js';
import { MAX_DETAILED, MAX_LISTED, renderDigestEmail, renderNotificationEmail } from '../../src/notify/render-email.js';
import { formatTime, percent, points, signed } from '../../src/notify/text.js';
import {
  AT,
  FROM,
  HOSTILE,
  WATCH,
  digest,
  foreignMarkup,
  healthAlert,
  matchAlert,
  notification,
  scenarioAlert,
} from './build.js';

const render = (alerts: Alert[], timeZone?: string) =>
  renderNotificationEmail(notification(alerts), { watchTitle: WATCH, from: FROM, ...(timeZone && { timeZone }) });

describe('notification subject', () => {
  const long = 'A'.repeat(300);
  // prettier-ignore
  const cases: [string, Alert[], string][] = [
    ['names the indicator and the headline', [matchAlert()], '[Signpost] ukraine-polling: KIIS poll: most Ukrainians reject territorial concessions'],
    ['a scenario crossing whose summary names the scenario', [scenarioAlert()], '[Signpost] risk 58% (entered)'],
    ['a scenario summary without the scenario gets it in front', [scenarioAlert({ summary: 'entered at 58%' })], '[Signpost] risk: entered at 58%'],
    ['a source-health alert', [healthAlert()], '[Signpost] kiis-reports failing for 3h (timeout)'],
    ['counts the other alerts of the group', [matchAlert(), matchAlert({ id: 'b' }), matchAlert({ id: 'c' })], '[Signpost] ukraine-polling: KIIS poll: most Ukrainians reject territorial concessions (+2 more)'],
    ['line breaks and controls from a headline are gone', [matchAlert({ summary: 'Poll\r\nBcc: victim@example.org\u0000\u202e' })], '[Signpost] ukraine-polling: Poll Bcc: victim@example.org'],
    ['a hostile headline stays text (the mail client shows subjects as text)', [matchAlert({ summary: HOSTILE.script })], `[Signpost] ukraine-polling: ${HOSTILE.script}`],
    ['a long headline is cut to 150 characters', [matchAlert({ summary: long })], `[Signpost] ukraine-polling: ${'A'.repeat(150 - 29)}…`],
  ];
  it.each(cases)('%s', (_name, alerts, subject) => {
    expect(render(alerts).subject).toBe(subject);
    expect(Array.from(render(alerts).subject).length).toBeLessThanOrEqual(150);
  });
});

describe('an update of a group', () => {
  // Alerts come new first (notificationsDue orders them); newIds names the new ones.
  const [fresh, other, old1, old2] = [
    matchAlert({ id: 'n1', summary: 'Razumkov: most reject ceding Donbas' }),
    matchAlert({ id: 'n2' }),
    matchAlert({ id: 'o1', summary: 'Earlier poll' }),
    matchAlert({ id: 'o2' }),
  ];
  const update = (alerts: Alert[], newIds: string[]) =>
    renderNotificationEmail(
      { ...notification(alerts), newIds },
      { from: 'Signpost <s@example.org>', watchTitle: 'Watch' },
    );

  // prettier-ignore
  it.each<[string, Alert[], string[], string]>([
    ['leads the subject with the new alert and counts the rest apart', [fresh, old1, old2], ['n1'], '[Signpost] ukraine-polling: Razumkov: most reject ceding Donbas (2 sent before)'],
    ['counts several new ones and the earlier ones', [fresh, other, old1], ['n1', 'n2'], '[Signpost] ukraine-polling: Razumkov: most reject ceding Donbas (+1 more new, 1 sent before)'],
    ['says a repeat with nothing new still fires', [old1, old2], [], '[Signpost] still firing: ukraine-polling: Earlier poll (+1 more)'],
    ['a first message (all new) reads as before', [fresh, other], ['n1', 'n2'], '[Signpost] ukraine-polling: Razumkov: most reject ceding Donbas (+1 more)'],
  ])('%s', (_name, alerts, newIds, subject) => {
    expect(update(alerts, newIds).subject).toBe(subject);
  });

  it('marks each alert new or sent before in the body, new first, and counts the new in the intro', () => {
    const mail = update([fresh, old1], ['n1']);
    expect(mail.text).toContain('2 alerts, 1 new for');
    const newAt = mail.text.indexOf('New · match');
    const oldAt = mail.text.indexOf('Sent before · match');
    expect(newAt).toBeGreaterThan(0);
    expect(oldAt).toBeGreaterThan(newAt);
    expect(mail.html).toContain('New · match');
  });
});

describe('notification body carries the explanation in both parts', () => {
  const { text, html } = render([matchAlert()]);
  // [what, in text, in HTML (escaped where the text has & < >)]
  // prettier-ignore
  const cases: [string, string, string][] = [
    ['the headline', 'KIIS poll: most Ukrainians reject territorial concessions', 'KIIS poll: most Ukrainians reject territorial concessions'],
    ['the rule and its title', 'A poll finds a majority against territorial concessions (kiis-concessions)', 'A poll finds a majority against territorial concessions (kiis-concessions)'],
    ['the matched words', 'Matched:       KIIS, territorial concessions', '<mark>KIIS</mark>, <mark>territorial concessions</mark>'],
    ['the words in context', '75% reject territorial concessions even in exchange', '75% reject <mark>territorial concessions</mark> even in exchange'],
    ['the source and its credibility', 'kiis-reports, credibility 0.90', 'kiis-reports, credibility 0.90'],
    ['the weight per scenario', 'baseline -0.40, risk +0.80 (nats)', 'baseline -0.40, risk +0.80 (nats)'],
    ['the probabilities before and after', 'baseline 58% → 42%, risk 42% → 58%', 'baseline 58% → 42%, risk 42% → 58%'],
    ['the link to the item', 'https://kiis.com.ua/?lang=eng&cat=reports&id=1520', '<a href="https://kiis.com.ua/?lang=eng&amp;cat=reports&amp;id=1520">'],
    ['kind, severity and time', 'match · severity high · indicator ukraine-polling · 2026-01-05 07:30 UTC', 'match · severity high · indicator ukraine-polling · 2026-01-05 07:30 UTC'],
    ['the watch', `Signpost: ${WATCH}`, 'Signpost: Ukraine peace framework: security guarantees &amp; territorial settlement'],
  ];
  it.each(cases)('%s', (_name, inText, inHtml) => {
    expect(text).toContain(inText);
    expect(html).toContain(inHtml);
  });

  it('says how a negator or hedge changed the match', () => {
    const negated = render([matchAlert({}, { modifier: 'negated by "fail to" (agree*)' })]);
    expect(negated.text).toMatch(/Read as: +negated by "fail to" \(agree\*\)/);
    expect(negated.html).toContain('negated by &quot;fail to&quot; (agree*)');
    expect(text).not.toContain('Read as');
  });

  it('writes only our own markup', () => expect(foreignMarkup(html)).toEqual([]));

  it('shows times in the watch time zone when given', () => {
    expect(render([matchAlert()], 'Europe/Kyiv').text).toContain('2026-01-05 09:30 Europe/Kyiv');
  });

  it('explains a scenario crossing and a source-health alert by their own fields', () => {
    const s = render([scenarioAlert(), healthAlert()]).text;
    expect(s).toContain('Probabilities: baseline 47% → 42%, risk 53% → 58%');
    expect(s).toContain('Status:        risk held at or above 55% for 6h');
    expect(s).toContain('Reason:        fetch: connection to kiis.com.ua timed out (ETIMEDOUT)');
  });
});

describe('escaping: scraped strings are text in HTML and literal in the text part', () => {
  // prettier-ignore
  const cases: [string, Alert, string, string][] = [
    ['a script headline', matchAlert({ summary: HOSTILE.script }, { title: HOSTILE.script }), HOSTILE.script, '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['an img onerror in the context', matchAlert({}, { context: `before ${HOSTILE.img} after` }), HOSTILE.img, '&lt;img src=x onerror=alert(1)&gt;'],
    ['an attribute breakout in the source', matchAlert({}, { source: HOSTILE.attr }), HOSTILE.attr, '&quot;&gt;&lt;svg onload=alert(1)&gt;'],
    ['markup in a matched term', matchAlert({}, { terms: ['<b>x</b>'], context: 'a <b>x</b> b' }), '<b>x</b>', '<mark>&lt;b&gt;x&lt;/b&gt;</mark>'],
    ['markup in a status', healthAlert({}), 'timed out', 'timed out'],
    ['markup in a rule title', matchAlert({}, { ruleTitle: '</td></tr></table><form>' }), '</td></tr></table><form>', '&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;form&gt;'],
  ];
  it.each(cases)('%s', (_name, alert, literal, escaped) => {
    const { text, html } = render([alert]);
    expect(text).toContain(literal);
    expect(html).toContain(escaped);
    expect(foreignMarkup(html)).toEqual([]);
  });
});

describe('links: only http(s) URLs become links', () => {
  // [url, href written or undefined, what the text shows]
  // prettier-ignore
  const cases: [string, string | undefined, string][] = [
    ['https://example.org/a?b=1&c=2', 'https://example.org/a?b=1&amp;c=2', 'https://example.org/a?b=1&c=2'],
    ['http://example.org/path with space', 'http://example.org/path%20with%20space', 'http://example.org/path%20with%20space'],
    ['https://example.org/a"onmouseover="alert(1)', 'https://example.org/a%22onmouseover=%22alert(1)', 'https://example.org/a%22onmouseover=%22alert(1)'],
    ['javascript:alert(1)', undefined, 'javascript:alert(1) (not a web link, not opened)'],
    ['data:text/html,<script>alert(1)</script>', undefined, 'data:text/html,<script>alert(1)</script> (not a web link, not opened)'],
    ['//evil.example/x', undefined, '//evil.example/x (not a web link, not opened)'],
    ['https://user:secret@example.org/', undefined, 'https://user:secret@example.org/ (not a web link, not opened)'],
    ['not a url', undefined, 'not a url (not a web link, not opened)'],
  ];
  it.each(cases)('%s', (url, href, shown) => {
    const { text, html } = render([matchAlert({}, { url })]);
    expect(text).toContain(`Link:          ${shown}`);
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual(href ? [href, href] : []);
    expect(foreignMarkup(html)).toEqual([]);
  });
});

describe('Message-ID', () => {
  it('is the same for two renders of the same notification and differs between notifications', () => {
    const a = render([matchAlert()]);
    const b = renderNotificationEmail(notification([matchAlert()]), {
      watchTitle: 'other title',
      from: 'x@example.org',
    });
    const c = renderNotificationEmail(notification([matchAlert()], { id: 'n-other' }), {
      watchTitle: WATCH,
      from: FROM,
    });
    expect(a.messageId).toBe('<notification.n-7f3a9c01@signpost.invalid>');
    expect(b.messageId).toBe(a.messageId);
    expect(c.messageId).not.toBe(a.messageId);
    expect(renderDigestEmail(digest(), { from: FROM }).messageId).toBe(
      '<digest.digest-analysts-2026-01-05@signpost.invalid>',
    );
  });

  const ids: [string, string][] = [
    ['n-1', '<notification.n-1@signpost.invalid>'],
    ['desk:ukraine-polling:abc', '<notification.desk%3Aukraine-polling%3Aabc@signpost.invalid>'],
    ['a.b', '<notification.a%2Eb@signpost.invalid>'],
    ['50%', '<notification.50%25@signpost.invalid>'],
    ['x y<z>@q', '<notification.x%20y%3Cz%3E%40q@signpost.invalid>'],
    ['Київ', '<notification.%D0%9A%D0%B8%D1%97%D0%B2@signpost.invalid>'],
    ['', '<notification.empty@signpost.invalid>'],
  ];
  it.each(ids)('encodes %j', (id, expected) => expect(messageId('notification', id)).toBe(expected));

  it('hashes an id too long for a header', () => {
    const id = messageId('notification', 'x'.repeat(500));
    expect(id).toMatch(/^<notification\.sha256-[0-9a-f]{64}@signpost\.invalid>$/);
    expect(messageId('notification', 'x'.repeat(500))).toBe(id);
  });

  it('threads a group and marks the mail automatic', () => {
    const { headers } = render([matchAlert()]);
    expect(headers).toMatchObject({
      'Auto-Submitted': 'auto-generated',
      'X-Auto-Response-Suppress': 'All',
      'X-Signpost-Id': 'n-7f3a9c01',
    });
    expect(headers.References).toMatch(/^<group\.[^\s@]+@signpost\.invalid>$/);
  });
});

describe('big groups', () => {
  it(`details ${MAX_DETAILED} alerts, lists up to ${MAX_LISTED} and counts the rest`, () => {
    const alerts = Array.from({ length: 260 }, (_, i) =>
      matchAlert({ id: `a${i}`, summary: `Story ${i}` }, { title: `Story ${i}` }),
    );
    const { text, html } = render(alerts);
    expect(text.match(/^\s+Rule:/gm)).toHaveLength(MAX_DETAILED);
    expect(text).toContain('And 210 more:');
    expect(text).toContain('- ukraine-polling: Story 199');
    expect(text).not.toContain('Story 200');
    expect(text).toContain('… and 60 more not listed here');
    expect(foreignMarkup(html)).toEqual([]);
  });
});

describe('digest', () => {
  const d = digest();
  const { subject, text, html } = renderDigestEmail(d, { from: FROM });

  it('names the date and the scenarios with their change in the subject', () => {
    expect(subject).toBe('[Signpost] digest 2026-01-05: risk 58% (+6 pts), baseline 42% (-6 pts)');
    expect(renderDigestEmail(digest({ scenarios: [] }), { from: FROM }).subject).toBe(
      '[Signpost] digest 2026-01-05: 1 item of evidence',
    );
  });

  // prettier-ignore
  const cases: [string, string, string][] = [
    ['the period', 'From 2026-01-04 07:30 UTC to 2026-01-05 07:30 UTC', 'From 2026-01-04 07:30 UTC to 2026-01-05 07:30 UTC'],
    ['each scenario', 'risk: 58% (+6 pts) - The framework stalls or collapses', 'The framework stalls or collapses'],
    ['each indicator and its status', 'miami-working-group: overdue - Working-group meetings in Miami', 'miami-working-group: overdue - Working-group meetings in Miami'],
    ['evidence with source, rule, terms and weights', 'source kiis-reports · rule kiis-concessions · matched KIIS, territorial concessions · weights baseline -0.40, risk +0.80 (nats)', 'source kiis-reports · rule kiis-concessions'],
    ['the evidence link', 'https://kiis.com.ua/?lang=eng&cat=reports&id=1520', 'href="https://kiis.com.ua/?lang=eng&amp;cat=reports&amp;id=1520"'],
    ['source health', '28 of 30 sources fine; failing: kiis-reports (timeout), meduza (http-5xx)', '28 of 30 sources fine'],
  ];
  it.each(cases)('carries %s', (_name, inText, inHtml) => {
    expect(text).toContain(inText);
    expect(html).toContain(inHtml);
  });

  it('escapes scraped evidence and links only http(s)', () => {
    const hostile = digest({
      indicators: [
        {
          id: 'x',
          title: 'X',
          status: 'active',
          evidence: [
            {
              title: HOSTILE.script,
              url: 'javascript:alert(1)',
              source: HOSTILE.img,
              rule: 'r',
              terms: [HOSTILE.attr],
              weights: {},
            },
          ],
        },
      ],
      events: [
        {
          at: AT,
          title: HOSTILE.script,
          url: 'javascript:alert(1)',
          source: HOSTILE.img,
          snippet: `${HOSTILE.img} then ${HOSTILE.attr}`,
          terms: [HOSTILE.attr],
          sources: [HOSTILE.img],
          rules: ['r'],
          indicators: ['x'],
          weights: {},
          also: [{ title: HOSTILE.attr, url: 'data:text/html,x', source: HOSTILE.script }],
        },
      ],
      overviewUrl: 'javascript:alert(2)',
    });
    const r = renderDigestEmail(hostile, { from: FROM });
    expect(r.text).toContain(HOSTILE.script);
    expect(r.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(r.html).not.toContain('href="javascript');
    expect(r.html).not.toContain('href="data:');
    expect(r.text).not.toContain('alert(2)');
    expect(foreignMarkup(r.html)).toEqual([]);
  });
});

describe('number and time formats', () => {
  const cases: [string, string, string][] = [
    ['percent 0.58', percent(0.58), '58%'],
    ['percent near 0', percent(0.001), '<1%'],
    ['percent 0', percent(0), '0%'],
    ['percent near 1', percent(0.999), '>99%'],
    ['percent 1', percent(1), '100%'],
    ['percent NaN', percent(Number.NaN), '?'],
    ['points up', points(0.061), '+6 pts'],
    ['points down', points(-0.12), '-12 pts'],
    ['points none', points(0.001), '±0 pts'],
    ['signed positive', signed(0.8), '+0.80'],
    ['signed negative', signed(-0.4), '-0.40'],
    ['signed negative zero', signed(-0.001), '+0.00'],
    ['time UTC', formatTime(Date.UTC(2026, 0, 5, 7, 30)), '2026-01-05 07:30 UTC'],
    ['time Kyiv', formatTime(Date.UTC(2026, 0, 5, 7, 30), 'Europe/Kyiv'), '2026-01-05 09:30 Europe/Kyiv'],
    ['unknown zone falls back to UTC', formatTime(Date.UTC(2026, 0, 5, 7, 30), 'Mars/Olympus'), '2026-01-05 07:30 UTC'],
  ];
  it.each(cases)('%s', (_name, got, want) => expect(got).toBe(want));
});
