// renderNotificationSlack and renderDigestSlack: valid Block Kit within Slack's limits, the explanation in
// the section and context blocks, every scraped string inert.
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/model/alert.js';
import {
  SLACK_MAX_ALERTS,
  renderDigestSlack,
  renderNotificationSlack,
  type SlackBlock,
  type SlackPayload,
} from '../../src/notify/render-slack.js';
import { blockKitProblems } from '../helpers/slack.js';
import { HOSTILE, WATCH, digest, healthAlert, matchAlert, notification, scenarioAlert } from './build.js';

const render = (alerts: Alert[]): SlackPayload => renderNotificationSlack(notification(alerts), { watchTitle: WATCH });
const sections = (p: SlackPayload) =>
  p.blocks.filter((b): b is Extract<SlackBlock, { type: 'section' }> => b.type === 'section');
const contexts = (p: SlackPayload) =>
  p.blocks.filter((b): b is Extract<SlackBlock, { type: 'context' }> => b.type === 'context');

describe('Block Kit validity', () => {
  // prettier-ignore
  const cases: [string, SlackPayload][] = [
    ['a match', render([matchAlert()])],
    ['a scenario crossing', render([scenarioAlert()])],
    ['a source-health alert', render([healthAlert()])],
    ['a mixed group', render([matchAlert(), scenarioAlert(), healthAlert()])],
    ['hostile strings everywhere', render([matchAlert({ summary: HOSTILE.channel, labels: { indicator: '<!here>' } }, { title: HOSTILE.channel, context: HOSTILE.channel, terms: ['<!channel>'], source: '<@U123>', ruleTitle: '<#C1|general>', status: HOSTILE.channel })])],
    ['a 20 000-character context', render([matchAlert({}, { context: 'word '.repeat(4000) })])],
    ['30 alerts', render(Array.from({ length: 30 }, (_, i) => matchAlert({ id: `a${i}` })))],
    ['an empty group', render([])],
    ['a digest notice', renderDigestSlack(digest())],
    ['an empty digest', renderDigestSlack(digest({ scenarios: [], indicators: [] }))],
  ];
  it.each(cases)('%s', (_name, payload) => {
    expect(blockKitProblems(JSON.parse(JSON.stringify(payload)))).toEqual([]);
    expect(payload).toMatchObject({ unfurl_links: false, unfurl_media: false });
  });
});

describe('the explanation', () => {
  const p = render([matchAlert()]);
  const [section] = sections(p);
  const context = contexts(p).at(-1)!.elements[0]!.text;
  const cases: [string, string, string][] = [
    ['the headline, bold', 'section', '*KIIS poll: most Ukrainians reject territorial concessions*'],
    [
      'the rule and title',
      'section',
      '*Rule:* A poll finds a majority against territorial concessions (kiis-concessions)',
    ],
    ['the matched words', 'section', '*Matched:* *KIIS*, *territorial concessions*'],
    ['the words in context, terms bold', 'section', '75% reject *territorial concessions* even'],
    ['the probabilities', 'section', '*Probabilities:* baseline 58% → 42%, risk 42% → 58%'],
    ['the source and credibility', 'context', 'Source: kiis-reports, credibility 0.90'],
    ['the weights', 'context', 'Weights: baseline -0.40, risk +0.80 (nats)'],
  ];
  it.each(cases)('carries %s', (_name, where, want) => {
    expect(where === 'section' ? section!.text.text : context).toContain(want);
  });

  it('links the item with a button whose URL is not escaped (a JSON string, not mrkdwn)', () => {
    expect(section!.accessory).toEqual({
      type: 'button',
      text: { type: 'plain_text', text: 'Open item', emoji: false },
      url: 'https://kiis.com.ua/?lang=eng&cat=reports&id=1520',
      action_id: 'open-item',
    });
  });

  it('names the group and count in the header and escapes the fallback text', () => {
    expect(p.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Signpost: ukraine-polling (1 alert)', emoji: false },
    });
    expect(p.text).toBe('[Signpost] ukraine-polling: KIIS poll: most Ukrainians reject territorial concessions');
    expect(contexts(p)[0]!.elements[0]!.text).toContain('security guarantees &amp; territorial settlement');
  });
});

describe('escaping: a headline cannot mention, link or format its way out', () => {
  const p = render([
    matchAlert(
      { summary: HOSTILE.channel },
      { title: HOSTILE.channel, context: `x ${HOSTILE.channel} y`, source: '<@U024BE7LH>' },
    ),
  ]);
  const json = JSON.stringify(p);
  const cases: [string, string, string][] = [
    ['<!channel>', '<!channel>', '&lt;!channel&gt;'],
    ['a link with a label', '<https://evil.example|click here>', '&lt;https://evil.example|click here&gt;'],
    ['a user mention', '<@U024BE7LH>', '&lt;@U024BE7LH&gt;'],
    ['a bare ampersand', '& more', '&amp; more'],
  ];
  it.each(cases)('%s', (_name, raw, escaped) => {
    expect(json).not.toContain(raw);
    expect(json).toContain(escaped);
  });

  it('marks every mrkdwn text verbatim, so a bare @channel or URL is not parsed either', () => {
    const texts = p.blocks.flatMap((b) => (b.type === 'section' ? [b.text] : b.type === 'context' ? b.elements : []));
    expect(texts.length).toBeGreaterThan(2);
    for (const t of texts) if (t.type === 'mrkdwn') expect(t.verbatim).toBe(true);
  });

  it('keeps a "*" inside a highlighted term from ending the bold', () => {
    const [s] = sections(render([matchAlert({}, { terms: ['a*b'], context: 'x a*b y' })]));
    expect(s!.text.text).toContain('*a∗b*');
  });
});

describe('buttons only for http(s) links', () => {
  const cases: [string, string | undefined, string | undefined][] = [
    ['https', 'https://example.org/x?a=1&b=2', 'https://example.org/x?a=1&b=2'],
    ['http', 'http://example.org/', 'http://example.org/'],
    ['a pipe in the path', 'https://example.org/a|b', 'https://example.org/a%7Cb'],
    ['javascript:', 'javascript:alert(1)', undefined],
    ['slack: deep link', 'slack://channel?team=T1&id=C1', undefined],
    ['none', undefined, undefined],
  ];
  it.each(cases)('%s', (_name, url, button) => {
    const [s] = sections(render([matchAlert({}, url === undefined ? { url: undefined } : { url })]));
    expect(s!.accessory?.url).toBe(button);
    if (url && !button) expect(s!.text.text).toContain('*Link:*');
  });
});

describe('big groups and long texts', () => {
  it(`shows ${SLACK_MAX_ALERTS} alerts and counts the rest`, () => {
    const p = render(Array.from({ length: 15 }, (_, i) => matchAlert({ id: `a${i}` })));
    expect(sections(p)).toHaveLength(SLACK_MAX_ALERTS);
    expect(JSON.stringify(p.blocks.at(-1))).toContain('… and 5 more alerts in this group, not shown here');
    expect(p.blocks.length).toBeLessThanOrEqual(50);
  });

  it('cuts a section at 3000 characters without leaving half an entity', () => {
    const [s] = sections(render([matchAlert({}, { context: '<&>'.repeat(2000), ruleTitle: '&'.repeat(190) })]));
    expect(s!.text.text.length).toBeLessThanOrEqual(3000);
    expect(s!.text.text).not.toMatch(/&[a-z]*…$/);
  });
});

describe('digest notice', () => {
  const p = renderDigestSlack(digest());
  it('lists the scenarios with their change, the events and the indicators they touched, and source health', () => {
    const json = JSON.stringify(p);
    expect(json).toContain('*risk* 58% (+6 pts) The framework stalls or collapses');
    expect(json).toContain('1 event on 1 indicator');
    expect(json).toContain('28 of 30 sources fine');
    expect(p.text).toBe('[Signpost] digest 2026-01-04 07:30 UTC to 2026-01-05 07:30 UTC: risk 58%, baseline 42%');
  });

  it('counts an item several rules matched, on two indicators, as one event', () => {
    const base = digest().events[0]!;
    const json = JSON.stringify(
      renderDigestSlack(
        digest({
          events: [
            { ...base, rules: ['a', 'b'], indicators: ['ukraine-polling', 'russia-eu-alignment'] },
            { ...base, title: 'Another' },
          ],
        }),
      ),
    );
    expect(json).toContain('2 events on 2 indicators');
  });
});

describe('a Slack update of a group', () => {
  it('leads with what is new: the header counts it, the fallback text names it, each alert says new or sent before', () => {
    const fresh = matchAlert({ id: 'n1', summary: 'Razumkov: most reject ceding Donbas' });
    const old = matchAlert({ id: 'o1', summary: 'Earlier poll' });
    const p = renderNotificationSlack({ ...notification([fresh, old]), newIds: ['n1'] }, { watchTitle: WATCH });
    expect(blockKitProblems(p)).toEqual([]);
    const header = p.blocks.find((b): b is Extract<SlackBlock, { type: 'header' }> => b.type === 'header')!;
    expect(header.text.text).toContain('2 alerts, 1 new');
    expect(p.text).toBe('[Signpost] ukraine-polling: Razumkov: most reject ceding Donbas (1 sent before)');
    const metas = sections(p).map((s) => s.text.text);
    expect(metas[0]).toContain('_New · match');
    expect(metas[1]).toContain('_Sent before · match');
  });
});
