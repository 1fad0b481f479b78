// Email for a notification or a digest: a plain-text part readable on its own and an HTML part, both
// carrying the whole explanation. Every outside string is escaped in the HTML; only http(s) URLs become links.
import type { Alert, Digest, Notification } from '../model/alert.js';
import { alertLine, isUpdate, messageId, notificationLine, novelty, plain, viewAlert, type AlertView, type Part } from './explain.js';
import { escapeHtml, formatDate, formatTime, oneLine, percent, points, signed, truncate, webUrl } from './text.js';

export interface RenderedEmail {
  from: string;
  subject: string;
  text: string;
  html: string;
  /** `<notification.{id}@signpost.invalid>`: stable for the same notification, so clients can dedupe a resend. */
  messageId: string;
  headers: Record<string, string>;
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

function htmlParts(parts: readonly Part[]): string {
  return parts
    .map((p) => {
      if (p.kind === 'link') return `<a href="${escapeHtml(p.href)}">${escapeHtml(p.text)}</a>`;
      if (p.kind === 'term') return `<mark>${escapeHtml(p.text)}</mark>`;
      return escapeHtml(p.text);
    })
    .join('');
}

const LABEL_WIDTH = 15;

function textAlert(view: AlertView, index: number): string {
  const lines = [`${index}. ${plain(view.heading)}`, `   ${view.meta}`];
  for (const f of view.fields) lines.push(`   ${`${f.label}:`.padEnd(LABEL_WIDTH)}${plain(f.parts)}`);
  return lines.join('\n');
}

function htmlAlert(view: AlertView): string {
  const rows = view.fields
    .map((f) => `<tr><th align="left" valign="top" style="padding:2px 12px 2px 0;font-weight:600;white-space:nowrap">${escapeHtml(f.label)}</th><td style="padding:2px 0">${htmlParts(f.parts)}</td></tr>`)
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
  const group = Object.entries(n.groupLabels).map(([k, v]) => `${oneLine(k, 60)}=${oneLine(v, 100)}`).join(', ');
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
  const scenarios = d.scenarios.map((s) => `${oneLine(s.id, 60)} ${percent(s.probability)} (${points(s.change)})`).join(', ');
  const evidence = d.indicators.reduce((sum, i) => sum + i.evidence.length, 0);
  return subject(`digest ${date}: ${scenarios || `${evidence} item${evidence === 1 ? '' : 's'} of evidence`}`);
}

/** One email for a digest: scenarios with their change, indicators with their evidence, source health. */
export function renderDigestEmail(d: Digest, opts: { from: string; timeZone?: string }): RenderedEmail {
  const tz = opts.timeZone;
  const title = oneLine(d.watchTitle, 200);
  const period = `From ${formatTime(d.from, tz)} to ${formatTime(d.to, tz)}`;
  const subj = digestSubject(d, tz);
  const footer = `Sent by Signpost for the watch "${title}" to receiver ${oneLine(d.receiver, 100)}. Digest ${oneLine(d.id, 200)}.`;
  let budget = MAX_LISTED;

  const text: string[] = [`Signpost digest: ${title}`, period, '', 'Scenarios'];
  const html: string[] = [
    `<p style="margin:0;color:#666;font-size:13px">Signpost digest: ${escapeHtml(title)}</p>`,
    `<h1 style="font-size:18px;margin:4px 0 12px">${escapeHtml(period)}</h1>`,
    '<h2 style="font-size:16px">Scenarios</h2>',
    '<table role="presentation" cellspacing="0" cellpadding="0" style="font-size:14px;border-collapse:collapse">',
  ];
  if (!d.scenarios.length) text.push('  (none)');
  for (const s of d.scenarios) {
    const id = oneLine(s.id, 60);
    const name = oneLine(s.title, 200);
    text.push(`  ${id}: ${percent(s.probability)} (${points(s.change)}) - ${name}`);
    html.push(`<tr><th align="left" valign="top" style="padding:2px 12px 2px 0">${escapeHtml(id)}</th><td style="padding:2px 12px 2px 0">${escapeHtml(percent(s.probability))} (${escapeHtml(points(s.change))})</td><td>${escapeHtml(name)}</td></tr>`);
  }
  html.push('</table>', '<h2 style="font-size:16px">Indicators</h2>');
  text.push('', 'Indicators');
  if (!d.indicators.length) text.push('  (none)');
  for (const ind of d.indicators) {
    const head = `${oneLine(ind.id, 60)}: ${oneLine(ind.status, 100)} - ${oneLine(ind.title, 200)}`;
    text.push(`  ${head}`);
    html.push(`<h3 style="font-size:15px;margin:14px 0 4px">${escapeHtml(head)}</h3>`);
    const shown = ind.evidence.slice(0, Math.max(0, budget));
    budget -= shown.length;
    if (shown.length) html.push('<ul style="font-size:14px">');
    for (const ev of shown) {
      const headline = oneLine(ev.title);
      const href = webUrl(ev.url);
      const terms = ev.terms.map((t) => oneLine(t, 100)).filter(Boolean).join(', ');
      const weights = Object.entries(ev.weights).map(([id, w]) => `${oneLine(id, 60)} ${signed(w)}`).join(', ');
      const facts = [`source ${oneLine(ev.source, 100)}`, `rule ${oneLine(ev.rule, 100)}`, terms && `matched ${terms}`, weights && `weights ${weights} (nats)`].filter(Boolean).join(' · ');
      const link = href ?? (ev.url ? `${oneLine(ev.url, 300)} (not a web link, not opened)` : undefined);
      text.push(`    - ${headline}`, `      ${facts}`, ...(link ? [`      ${link}`] : []));
      const h = href ? `<a href="${escapeHtml(href)}">${escapeHtml(headline)}</a>` : escapeHtml(headline);
      const also = (ev.also ?? []).map((r) => {
        const title = oneLine(r.title);
        const source = oneLine(r.source, 100);
        const url = webUrl(r.url);
        text.push(`      also: ${title} (${source})${url ? ` ${url}` : ''}`);
        return `<br><span style="color:#555;font-size:13px">also: ${url ? `<a href="${escapeHtml(url)}">${escapeHtml(title)}</a>` : escapeHtml(title)} (${escapeHtml(source)})</span>`;
      }).join('');
      html.push(`<li>${h}<br><span style="color:#555;font-size:13px">${escapeHtml(facts)}</span>${!href && link ? `<br><span style="color:#555;font-size:13px">${escapeHtml(link)}</span>` : ''}${also}</li>`);
    }
    if (shown.length) html.push('</ul>');
    const hidden = ind.evidence.length - shown.length;
    if (hidden > 0) {
      text.push(`    - … and ${hidden} more not listed here`);
      html.push(`<p style="font-size:13px;color:#555">… and ${hidden} more not listed here</p>`);
    }
  }
  const sources = oneLine(d.sources, 1000);
  text.push('', 'Sources', `  ${sources}`, '', '-- ', footer, '');
  html.push('<h2 style="font-size:16px">Sources</h2>', `<p style="font-size:14px">${escapeHtml(sources)}</p>`);
  html.push(`<hr style="margin-top:24px;border:0;border-top:1px solid #ddd"><p style="color:#888;font-size:12px">${escapeHtml(footer)}</p>`);

  return {
    from: opts.from,
    subject: subj,
    text: text.join('\n'),
    html: htmlDocument(subj, html),
    messageId: messageId('digest', d.id),
    headers: { ...AUTOMATIC, 'X-Signpost-Id': oneLine(d.id, 200) },
  };
}
