// Email for a notification or a digest: a plain-text part readable on its own and an HTML part, both
// carrying the whole explanation. Every outside string is escaped in the HTML; only http(s) URLs become links.
import type { Alert, Digest, Notification } from '../model/alert.js';
import { eventHtml, eventText, htmlParts, trendPicture, type EmailAttachment } from './digest-sections.js';
import {
  alertLine,
  isUpdate,
  messageId,
  notificationLine,
  novelty,
  plain,
  viewAlert,
  type AlertView,
} from './explain.js';
import { escapeHtml, formatDate, formatTime, oneLine, percent, points, truncate, webUrl } from './text.js';

export interface RenderedEmail {
  from: string;
  subject: string;
  text: string;
  html: string;
  /** `<notification.{id}@signpost.invalid>`: stable for the same notification, so clients can dedupe a resend. */
  messageId: string;
  headers: Record<string, string>;
  /** Pictures the HTML shows by Content-ID (a digest's trends); rendered in memory, never read from files. */
  attachments?: EmailAttachment[];
}

export interface EmailRenderOptions {
  watchTitle: string;
  /** The From address, e.g. `Signpost <signpost@example.org>`. */
  from: string;
  /** IANA zone for times (the watch's); UTC when absent. */
  timeZone?: string;
}

/** Alerts shown in full; the rest are listed by one line each, up to MAX_LISTED in all (big groups once timed out SMTP). */
export const MAX_DETAILED = 50;
export const MAX_LISTED = 200;
const SUBJECT_MAX = 150;

// RFC 3834: automatic mail, so vacation responders and ticket systems do not answer it.
const AUTOMATIC = { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' };

const subject = (line: string): string => truncate(`[Signpost] ${oneLine(line, SUBJECT_MAX)}`, SUBJECT_MAX);

const LABEL_WIDTH = 15;

function textAlert(view: AlertView, index: number): string {
  const lines = [`${index}. ${plain(view.heading)}`, `   ${view.meta}`];
  for (const f of view.fields) lines.push(`   ${`${f.label}:`.padEnd(LABEL_WIDTH)}${plain(f.parts)}`);
  return lines.join('\n');
}

function htmlAlert(view: AlertView): string {
  const rows = view.fields
    .map(
      (f) =>
        `<tr><th align="left" valign="top" style="padding:2px 12px 2px 0;font-weight:600;white-space:nowrap">${escapeHtml(f.label)}</th><td style="padding:2px 0">${htmlParts(f.parts)}</td></tr>`,
    )
    .join('\n');
  return [
    `<h2 style="font-size:16px;margin:20px 0 4px">${htmlParts(view.heading)}</h2>`,
    `<p style="margin:0 0 8px;color:#666;font-size:12px">${escapeHtml(view.meta)}</p>`,
    `<table role="presentation" cellspacing="0" cellpadding="0" style="font-size:14px;border-collapse:collapse">\n${rows}\n</table>`,
  ].join('\n');
}

function htmlDocument(title: string, body: string[]): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${escapeHtml(title)}</title></head>`,
    '<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#222;max-width:760px">',
    ...body,
    '</body></html>',
    '',
  ].join('\n');
}

/** One email for one notification: every alert of the group with its explanation. */
export function renderNotificationEmail(n: Notification, opts: EmailRenderOptions): RenderedEmail {
  const title = oneLine(opts.watchTitle, 200);
  // An update leads with what is new (alerts come new first) and marks each alert new or sent before.
  const update = isUpdate(n);
  const mark = (a: Alert, line: string) => (update ? `${novelty(n, a)} · ${line}` : line);
  const detailed = n.alerts.slice(0, MAX_DETAILED).map((a) => {
    const view = viewAlert(a, opts.timeZone);
    return { ...view, meta: mark(a, view.meta) };
  });
  const listed = n.alerts.slice(MAX_DETAILED, MAX_LISTED).map((a) => mark(a, alertLine(a)));
  const unlisted = Math.max(0, n.alerts.length - MAX_LISTED);
  const count = `${n.alerts.length} alert${n.alerts.length === 1 ? '' : 's'}${update ? `, ${n.newIds!.length} new` : ''}`;
  const group = Object.entries(n.groupLabels)
    .map(([k, v]) => `${oneLine(k, 60)}=${oneLine(v, 100)}`)
    .join(', ');
  const intro = `${count} for ${oneLine(n.receiver, 100)}${group ? ` (${group})` : ''}`;
  const footer = `Sent by Signpost for the watch "${title}" to receiver ${oneLine(n.receiver, 100)}. Notification ${oneLine(n.id, 200)}.`;
  const subj = subject(notificationLine(n.alerts, n.groupLabels, n.newIds));

  const text = [
    `Signpost: ${title}`,
    intro,
    '',
    detailed.map((v, i) => textAlert(v, i + 1)).join('\n\n'),
    ...(listed.length ? ['', `And ${listed.length + unlisted} more:`, ...listed.map((l) => `- ${l}`)] : []),
    ...(unlisted ? [`- … and ${unlisted} more not listed here`] : []),
    '',
    '-- ',
    footer,
    '',
  ].join('\n');

  const html = htmlDocument(subj, [
    `<p style="margin:0;color:#666;font-size:13px">Signpost: ${escapeHtml(title)}</p>`,
    `<h1 style="font-size:18px;margin:4px 0 12px">${escapeHtml(intro)}</h1>`,
    ...detailed.map(htmlAlert),
    ...(listed.length
      ? [
          `<h2 style="font-size:16px;margin:20px 0 4px">And ${listed.length + unlisted} more</h2>`,
          `<ul>\n${listed.map((l) => `<li>${escapeHtml(l)}</li>`).join('\n')}${unlisted ? `\n<li>… and ${unlisted} more not listed here</li>` : ''}\n</ul>`,
        ]
      : []),
    `<hr style="margin-top:24px;border:0;border-top:1px solid #ddd"><p style="color:#888;font-size:12px">${escapeHtml(footer)}</p>`,
  ]);

  return {
    from: opts.from,
    subject: subj,
    text,
    html,
    messageId: messageId('notification', n.id),
    // Later notifications of the same group thread under one (absent) parent in mail clients.
    headers: { ...AUTOMATIC, References: messageId('group', n.groupKey), 'X-Signpost-Id': oneLine(n.id, 200) },
  };
}

function digestSubject(d: Digest, timeZone?: string): string {
  const date = formatDate(d.to, timeZone);
  const scenarios = d.scenarios
    .map((s) => `${oneLine(s.id, 60)} ${percent(s.probability)} (${points(s.change)})`)
    .join(', ');
  const evidence = d.indicators.reduce((sum, i) => sum + i.evidence.length, 0);
  return subject(`digest ${date}: ${scenarios || `${evidence} item${evidence === 1 ? '' : 's'} of evidence`}`);
}

/**
 * One email for a digest: the scenarios with their change and trend picture, every event once in the order
 * it came (with its snippet, sources, rules and links), each indicator's status, and source health.
 */
export function renderDigestEmail(d: Digest, opts: { from: string; timeZone?: string }): RenderedEmail {
  const tz = opts.timeZone;
  const title = oneLine(d.watchTitle, 200);
  const period = `From ${formatTime(d.from, tz)} to ${formatTime(d.to, tz)}`;
  const subj = digestSubject(d, tz);
  const footer = `Sent by Signpost for the watch "${title}" to receiver ${oneLine(d.receiver, 100)}. Digest ${oneLine(d.id, 200)}.`;
  const overview = webUrl(d.overviewUrl);
  const attachments: EmailAttachment[] = [];

  const text: string[] = [
    `Signpost digest: ${title}`,
    period,
    ...(overview ? [`Overview: ${overview}`] : []),
    '',
    'Scenarios',
  ];
  const html: string[] = [
    `<p style="margin:0;color:#666;font-size:13px">Signpost digest: ${escapeHtml(title)}</p>`,
    `<h1 style="font-size:18px;margin:4px 0 12px">${escapeHtml(period)}</h1>`,
    ...(overview ? [`<p style="font-size:14px"><a href="${escapeHtml(overview)}">Open the overview</a></p>`] : []),
    '<h2 style="font-size:16px">Scenarios</h2>',
    '<table role="presentation" cellspacing="0" cellpadding="0" style="font-size:14px;border-collapse:collapse">',
  ];
  if (!d.scenarios.length) text.push('  (none)');
  d.scenarios.forEach((s, n) => {
    const id = oneLine(s.id, 60);
    const name = oneLine(s.title, 200);
    text.push(`  ${id}: ${percent(s.probability)} (${points(s.change)}) - ${name}`);
    html.push(
      `<tr><th align="left" valign="top" style="padding:2px 12px 2px 0">${escapeHtml(id)}</th><td style="padding:2px 12px 2px 0">${escapeHtml(percent(s.probability))} (${escapeHtml(points(s.change))})</td><td>${escapeHtml(name)}</td></tr>`,
    );
    const picture = trendPicture(s, n, d.trendFrom ?? d.from, d.to);
    if (!picture) return;
    attachments.push(picture.attachment);
    text.push(`    ${picture.text}`);
    html.push(`<tr><td></td><td colspan="2" style="padding:2px 0 8px">${picture.html}</td></tr>`);
  });
  html.push('</table>');

  const shown = d.events.slice(0, MAX_LISTED);
  const hidden = d.events.length - shown.length;
  const heading = `Events (${d.events.length}, in the order they came)`;
  text.push('', heading);
  html.push(`<h2 style="font-size:16px">${escapeHtml(heading)}</h2>`);
  if (!d.events.length) {
    text.push('  (none)');
    html.push('<p style="font-size:14px">None since the last digest.</p>');
  } else {
    const eventOpts = { ...(tz !== undefined && { timeZone: tz }), ...(overview !== undefined && { overview }) };
    shown.forEach((ev, n) => text.push(...eventText(ev, n + 1, eventOpts)));
    html.push('<ul style="font-size:14px;padding-left:20px">', ...shown.map((ev) => eventHtml(ev, eventOpts)), '</ul>');
    if (hidden > 0) {
      text.push(`  … and ${hidden} more not listed here`);
      html.push(`<p style="font-size:13px;color:#555">… and ${hidden} more not listed here</p>`);
    }
  }

  text.push('', 'Indicators');
  html.push('<h2 style="font-size:16px">Indicators</h2>');
  if (!d.indicators.length) text.push('  (none)');
  else html.push('<ul style="font-size:14px">');
  for (const ind of d.indicators) {
    const count = ind.evidence.length ? ` (${ind.evidence.length} event${ind.evidence.length === 1 ? '' : 's'})` : '';
    const head = `${oneLine(ind.id, 60)}: ${oneLine(ind.status, 100)} - ${oneLine(ind.title, 200)}${count}`;
    text.push(`  ${head}`);
    html.push(`<li>${escapeHtml(head)}</li>`);
  }
  if (d.indicators.length) html.push('</ul>');
  if (d.flaggedRules?.length) {
    // What the analysts' judgements say of the rules: the admins' cue to tighten them.
    const lines = d.flaggedRules.map(
      (r) => `${oneLine(r.rule, 100)}: ${Math.round(r.precision * 100)}% useful over ${r.judged} judgements`,
    );
    text.push('', 'Rules flagged by feedback', ...lines.map((l) => `  ${l}`));
    html.push(
      '<h2 style="font-size:16px">Rules flagged by feedback</h2>',
      '<ul style="font-size:14px">',
      ...lines.map((l) => `<li>${escapeHtml(l)}</li>`),
      '</ul>',
    );
  }
  const sources = oneLine(d.sources, 1000);
  text.push('', 'Sources', `  ${sources}`, '', '-- ', footer, '');
  html.push('<h2 style="font-size:16px">Sources</h2>', `<p style="font-size:14px">${escapeHtml(sources)}</p>`);
  html.push(
    `<hr style="margin-top:24px;border:0;border-top:1px solid #ddd"><p style="color:#888;font-size:12px">${escapeHtml(footer)}</p>`,
  );

  return {
    from: opts.from,
    subject: subj,
    text: text.join('\n'),
    html: htmlDocument(subj, html),
    messageId: messageId('digest', d.id),
    headers: { ...AUTOMATIC, 'X-Signpost-Id': oneLine(d.id, 200) },
    ...(attachments.length && { attachments }),
  };
}
