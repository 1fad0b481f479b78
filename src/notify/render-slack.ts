// Slack Block Kit payloads for an incoming webhook (https://api.slack.com/block-kit): a header, a section
// per alert with its explanation, a context line with source, credibility and weights, and a button to the
// item. Every outside string passes escapeSlack, and mrkdwn is `verbatim` so a headline's bare "@channel",
// "#general" or URL is not turned into a mention, channel or link either.
import type { Digest, Notification } from '../model/alert.js';
import { isUpdate, notificationLine, novelty, plain, viewAlert, type AlertView, type Part } from './explain.js';
import { escapeSlack, formatTime, oneLine, percent, points, truncate } from './text.js';

export interface SlackPlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}
export interface SlackMrkdwn {
  type: 'mrkdwn';
  text: string;
  verbatim?: boolean;
}
export interface SlackButton {
  type: 'button';
  text: SlackPlainText;
  url: string;
  action_id?: string;
}
export type SlackBlock =
  | { type: 'header'; text: SlackPlainText }
  | { type: 'section'; text: SlackMrkdwn; accessory?: SlackButton }
  | { type: 'context'; elements: (SlackMrkdwn | SlackPlainText)[] }
  | { type: 'divider' };

export interface SlackPayload {
  /** Fallback for notifications and clients that cannot show blocks. */
  text: string;
  blocks: SlackBlock[];
  /** Off: Slack would otherwise fetch every scraped URL in the message to preview it. */
  unfurl_links: false;
  unfurl_media: false;
}

// Block Kit limits: 50 blocks a message, 150 characters in a header, 3000 in a section, 75 in a button
// label, 3000 in a button URL, 10 elements in a context block.
export const SLACK_LIMITS = {
  blocks: 50,
  header: 150,
  section: 3000,
  button: 75,
  url: 3000,
  contextElements: 10,
} as const;
/** Alerts shown in full; three blocks each keep a full message under the 50-block limit. */
export const SLACK_MAX_ALERTS = 10;

const mrkdwn = (text: string): SlackMrkdwn => ({
  type: 'mrkdwn',
  text: fit(text, SLACK_LIMITS.section),
  verbatim: true,
});
const plainText = (text: string, max: number): SlackPlainText => ({
  type: 'plain_text',
  text: fit(text, max),
  emoji: false,
});

/** Cut escaped text to `max` without leaving half an entity ("&am") at the end. */
function fit(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  return `${escaped.slice(0, max - 1).replace(/&[a-z]*$/, '')}…`;
}

/** `*` inside a highlighted term would end the bold early; a look-alike keeps the word readable. */
const bold = (escaped: string): string => `*${escaped.replace(/\*/g, '∗')}*`;

function slackParts(parts: readonly Part[]): string {
  return parts
    .map((p) => {
      // Slack ends a link's URL at the first "|"; one in the label would read as a second separator.
      if (p.kind === 'link') return `<${escapeSlack(p.href)}|${escapeSlack(p.text).replace(/\|/g, '¦')}>`;
      if (p.kind === 'term') return bold(escapeSlack(p.text));
      return escapeSlack(p.text);
    })
    .join('');
}

// Source, credibility and weights go to the context line under the section; the rest into the section.
const CONTEXT_FIELDS = new Set(['Source', 'Weights']);

function alertBlocks(view: AlertView): SlackBlock[] {
  // The headline is text; its link is the button, whose URL is a JSON string Slack does not parse.
  const lines = [bold(escapeSlack(plain(view.heading))), `_${escapeSlack(view.meta)}_`];
  for (const f of view.fields) {
    if (CONTEXT_FIELDS.has(f.label) || (f.label === 'Link' && view.href)) continue;
    lines.push(`${bold(`${escapeSlack(f.label)}:`)} ${slackParts(f.parts)}`);
  }
  const section: SlackBlock = { type: 'section', text: mrkdwn(lines.join('\n')) };
  if (view.href && view.href.length <= SLACK_LIMITS.url) {
    section.accessory = {
      type: 'button',
      text: plainText('Open item', SLACK_LIMITS.button),
      url: view.href,
      action_id: 'open-item',
    };
  }
  const context = view.fields
    .filter((f) => CONTEXT_FIELDS.has(f.label))
    .map((f) => `${escapeSlack(f.label)}: ${slackParts(f.parts)}`);
  return [
    section,
    ...(context.length ? [{ type: 'context' as const, elements: [mrkdwn(context.join(' · '))] }] : []),
    { type: 'divider' },
  ];
}

/** One Slack message for one notification. */
export function renderNotificationSlack(
  n: Notification,
  opts: { watchTitle: string; timeZone?: string },
): SlackPayload {
  const update = isUpdate(n);
  const count = `${n.alerts.length} alert${n.alerts.length === 1 ? '' : 's'}${update ? `, ${n.newIds!.length} new` : ''}`;
  const group = Object.values(n.groupLabels)
    .map((v) => oneLine(v, 60))
    .join(', ');
  // prettier-ignore
  const blocks: SlackBlock[] = [
    { type: 'header', text: plainText(escapeSlack(`Signpost: ${group ? `${group} (${count})` : count}`), SLACK_LIMITS.header) },
    { type: 'context', elements: [mrkdwn(`${escapeSlack(oneLine(opts.watchTitle, 200))} · receiver ${escapeSlack(oneLine(n.receiver, 100))}`)] },
  ];
  for (const alert of n.alerts.slice(0, SLACK_MAX_ALERTS)) {
    const view = viewAlert(alert, opts.timeZone);
    blocks.push(...alertBlocks(update ? { ...view, meta: `${novelty(n, alert)} · ${view.meta}` } : view));
  }
  const more = n.alerts.length - SLACK_MAX_ALERTS;
  if (more > 0)
    blocks.push({
      type: 'context',
      elements: [mrkdwn(`… and ${more} more alert${more === 1 ? '' : 's'} in this group, not shown here`)],
    });
  return {
    text: fit(escapeSlack(`[Signpost] ${notificationLine(n.alerts, n.groupLabels, n.newIds)}`), SLACK_LIMITS.section),
    blocks,
    unfurl_links: false,
    unfurl_media: false,
  };
}

/** A short notice that a digest went out: scenarios with their change, counts, and source health. */
export function renderDigestSlack(d: Digest, opts: { timeZone?: string } = {}): SlackPayload {
  // Events, as the email lists them: an item several rules matched, or several sources told, is one.
  const events = d.events.length;
  const indicators = new Set(d.events.flatMap((e) => e.indicators)).size;
  const scenarios = d.scenarios.map(
    (s) =>
      `${bold(escapeSlack(oneLine(s.id, 60)))} ${percent(s.probability)} (${points(s.change)}) ${escapeSlack(oneLine(s.title, 150))}`,
  );
  const period = `${formatTime(d.from, opts.timeZone)} to ${formatTime(d.to, opts.timeZone)}`;
  // prettier-ignore
  const blocks: SlackBlock[] = [
    { type: 'header', text: plainText(escapeSlack(`Signpost digest: ${oneLine(d.watchTitle, 120)}`), SLACK_LIMITS.header) },
    { type: 'section', text: mrkdwn([...scenarios, `${events} event${events === 1 ? '' : 's'} on ${indicators} indicator${indicators === 1 ? '' : 's'}`].join('\n')) },
    { type: 'context', elements: [mrkdwn(`${escapeSlack(period)} · ${escapeSlack(oneLine(d.sources, 500))}`)] },
  ];
  if (d.flaggedRules?.length) {
    const rules = d.flaggedRules
      .map((r) => `${oneLine(r.rule, 100)} (${Math.round(r.precision * 100)}% of ${r.judged})`)
      .join(', ');
    blocks.push({
      type: 'context',
      elements: [mrkdwn(`Rules flagged by feedback: ${escapeSlack(truncate(rules, 1000))}`)],
    });
  }
  const line = truncate(
    `[Signpost] digest ${period}: ${d.scenarios.map((s) => `${oneLine(s.id, 60)} ${percent(s.probability)}`).join(', ')}`,
    300,
  );
  return { text: escapeSlack(line), blocks, unfurl_links: false, unfurl_media: false };
}
