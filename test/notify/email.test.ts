// Email end to end: rendered notifications sent through the pooled transport to a real SMTP server on
// loopback, read back with mailparser; and the server's refusals turned into retry decisions.
import { afterEach, describe, expect, it } from 'vitest';
import type { Notification } from '../../src/model/alert.js';
import { NotifyError } from '../../src/notify/errors.js';
import { renderDigestEmail, renderNotificationEmail } from '../../src/notify/render-email.js';
import {
  createEmailTransport,
  createEmailTransportFromEnv,
  sendEmail,
  type EmailTransport,
} from '../../src/notify/send-email.js';
import { rejection } from '../helpers/fetch-error.js';
import { closedPort, startTcpServer, type TestServer } from '../helpers/server.js';
import { smtpReply, startSmtpServer, type SmtpTestServer } from '../helpers/smtp.js';
import { FROM, HOSTILE, WATCH, digest, foreignMarkup, matchAlert, notification, scenarioAlert } from './build.js';

const TO = ['analyst@example.org', 'desk@example.org'];
const render = (n: Notification) => renderNotificationEmail(n, { watchTitle: WATCH, from: FROM });

let server: SmtpTestServer | undefined;
let transport: EmailTransport | undefined;
let tcp: TestServer | undefined;

afterEach(async () => {
  transport?.close();
  await server?.close();
  await tcp?.close();
  server = transport = tcp = undefined;
});

async function setup(
  options: Parameters<typeof startSmtpServer>[0] = {},
): Promise<{ server: SmtpTestServer; transport: EmailTransport }> {
  server = await startSmtpServer(options);
  transport = createEmailTransport(server.url);
  return { server, transport };
}

describe('delivery to a real SMTP server', () => {
  it('sends one message per notification, with subject, from, to and a Message-ID from the notification id', async () => {
    const { server, transport } = await setup();
    const a = notification([matchAlert()], { id: 'n-a' });
    const b = notification([scenarioAlert()], { id: 'n-b', groupLabels: { scenario: 'risk' } });
    const ra = await sendEmail(transport, TO, render(a), { timeoutMs: 5000 });
    await sendEmail(transport, TO, render(b), { timeoutMs: 5000 });

    expect(ra).toMatchObject({ messageId: '<notification.n-a@signpost.invalid>', accepted: TO, rejected: [] });
    expect(server.received).toHaveLength(2);
    const [first, second] = server.received.map((m) => m.parsed);
    expect(first!.subject).toBe(
      '[Signpost] ukraine-polling: KIIS poll: most Ukrainians reject territorial concessions',
    );
    expect(second!.subject).toBe('[Signpost] risk 58% (entered)');
    expect(first!.from?.value).toEqual([{ name: 'Signpost', address: 'signpost@example.org' }]);
    const to = [first!.to ?? []].flat().flatMap((t) => t.value.map((v) => v.address));
    expect(to).toEqual(TO);
    expect(server.received[0]!.envelope).toEqual({ from: 'signpost@example.org', to: TO });
    expect(first!.messageId).toBe('<notification.n-a@signpost.invalid>');
    expect(second!.messageId).toBe('<notification.n-b@signpost.invalid>');
  });

  it('gives a resend of the same notification the same Message-ID, so mail clients can drop the copy', async () => {
    const { server, transport } = await setup();
    const n = notification([matchAlert()]);
    await sendEmail(transport, TO, render(n), { timeoutMs: 5000 });
    await sendEmail(transport, TO, render(structuredClone(n)), { timeoutMs: 5000 });
    const ids = server.received.map((m) => m.parsed.messageId);
    expect(ids).toEqual(['<notification.n-7f3a9c01@signpost.invalid>', '<notification.n-7f3a9c01@signpost.invalid>']);
    const headers = server.received[0]!.parsed.headers;
    expect(headers.get('auto-submitted')).toBe('auto-generated');
    expect(headers.get('references')).toMatch(/^<group\..+@signpost\.invalid>$/);
  });

  it('carries the explanation in both the text and the HTML part', async () => {
    const { server, transport } = await setup();
    await sendEmail(transport, TO, render(notification([matchAlert()])), { timeoutMs: 5000 });
    const { text, html } = server.received[0]!.parsed;
    expect(html).toBeTypeOf('string');
    for (const want of [
      'A poll finds a majority against territorial concessions (kiis-concessions)',
      'kiis-reports, credibility 0.90',
      'baseline -0.40, risk +0.80 (nats)',
      'baseline 58% → 42%, risk 42% → 58%',
      'reject territorial concessions even in exchange',
    ]) {
      expect(text).toContain(want);
      expect(html).toContain(want.replace('territorial concessions even', '<mark>territorial concessions</mark> even'));
    }
    expect(text).toContain('Link:          https://kiis.com.ua/?lang=eng&cat=reports&id=1520');
    expect(html).toContain('<a href="https://kiis.com.ua/?lang=eng&amp;cat=reports&amp;id=1520">');
  });

  it('keeps a <script> headline literal in the text part and escaped, not a tag, in the HTML part', async () => {
    const { server, transport } = await setup();
    const hostile = matchAlert(
      { summary: HOSTILE.script },
      { title: HOSTILE.script, context: `x ${HOSTILE.img} y`, url: 'javascript:alert(1)' },
    );
    await sendEmail(transport, TO, render(notification([hostile])), { timeoutMs: 5000 });
    const { subject, text, html } = server.received[0]!.parsed;
    expect(subject).toBe(`[Signpost] ukraine-polling: ${HOSTILE.script}`);
    expect(text).toContain(HOSTILE.script);
    expect(text).toContain(HOSTILE.img);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/<script|<img|href="javascript/i);
    expect(foreignMarkup(html as string)).toEqual([]);
  });

  it('sends Cyrillic headlines intact', async () => {
    const { server, transport } = await setup();
    const title = 'Опитування КМІС: більшість українців проти територіальних поступок';
    await sendEmail(
      transport,
      TO,
      render(notification([matchAlert({ summary: title }, { title, terms: ['КМІС'], context: `… ${title} …` })])),
      { timeoutMs: 5000 },
    );
    const { subject, text, html } = server.received[0]!.parsed;
    expect(subject).toBe(`[Signpost] ukraine-polling: ${title}`);
    expect(text).toContain(title);
    expect(html).toContain('<mark>КМІС</mark>');
  });

  it('sends a digest', async () => {
    const { server, transport } = await setup();
    await sendEmail(transport, ['analysts@example.org'], renderDigestEmail(digest(), { from: FROM }), {
      timeoutMs: 5000,
    });
    const { subject, messageId, text } = server.received[0]!.parsed;
    expect(subject).toBe('[Signpost] digest 2026-01-05: risk 58% (+6 pts), baseline 42% (-6 pts)');
    expect(messageId).toBe('<digest.digest-analysts-2026-01-05@signpost.invalid>');
    expect(text).toContain('28 of 30 sources fine');
  });

  it('counts a message refused for some recipients only as sent, and reports who was refused', async () => {
    const { server, transport } = await setup({
      onRcptTo: (addr, _session, callback) =>
        callback(addr.address.startsWith('gone') ? smtpReply(550, 'mailbox unavailable') : null),
    });
    const result = await sendEmail(
      transport,
      ['analyst@example.org', 'gone@example.org'],
      render(notification([matchAlert()])),
      { timeoutMs: 5000 },
    );
    expect(result.accepted).toEqual(['analyst@example.org']);
    expect(result.rejected).toEqual([
      {
        address: 'gone@example.org',
        smtpCode: 550,
        permanent: true,
        message: expect.stringContaining('550 mailbox unavailable') as unknown,
      },
    ]);
    expect(server.received).toHaveLength(1);
    expect(server.received[0]!.envelope.to).toEqual(['analyst@example.org']);
  });
});

describe('failures: what is retried and what stops', () => {
  const send = (t: EmailTransport, opts: { timeoutMs: number; signal?: AbortSignal } = { timeoutMs: 5000 }) =>
    rejection(sendEmail(t, ['analyst@example.org'], render(notification([matchAlert()])), opts));

  it('stops at once when the server answers 550 to RCPT', async () => {
    const { server, transport } = await setup({
      onRcptTo: (_a, _s, callback) => callback(smtpReply(550, 'mailbox unavailable')),
    });
    const e = await send(transport);
    expect(e).toBeInstanceOf(NotifyError);
    expect(e).toMatchObject({ reason: 'invalid-recipient', permanent: true, retryable: false, smtpCode: 550 });
    expect(e.message).toContain('550 mailbox unavailable');
    expect(e.message).toContain(`smtp://127.0.0.1:${server.port}`);
    expect(server.received).toHaveLength(0);
  });

  it('retries when the server answers 451 to RCPT (greylisting)', async () => {
    const { transport } = await setup({ onRcptTo: (_a, _s, callback) => callback(smtpReply(451, 'try again later')) });
    expect(await send(transport)).toMatchObject({
      reason: 'smtp-4xx',
      permanent: false,
      retryable: true,
      smtpCode: 451,
    });
  });

  it('stops at once when the server refuses the message with 552 after DATA', async () => {
    const { transport } = await setup({
      onData: (stream, _s, callback) => {
        stream.resume();
        stream.on('end', () => callback(smtpReply(552, 'message too big')));
      },
    });
    expect(await send(transport)).toMatchObject({ reason: 'smtp-5xx', permanent: true, smtpCode: 552 });
  });

  it('retries when the server greets with 421 (busy)', async () => {
    const { transport } = await setup({ onConnect: (_s, callback) => callback(smtpReply(421, 'too busy')) });
    expect(await send(transport)).toMatchObject({ reason: 'smtp-4xx', permanent: false, smtpCode: 421 });
  });

  it('retries when nothing listens (refused), without credentials in the message', async () => {
    const port = await closedPort();
    transport = createEmailTransport(`smtp://alerts:hunter2@127.0.0.1:${port}/?ignoreTLS=true`);
    const e = await send(transport);
    expect(e).toMatchObject({ reason: 'refused', permanent: false, retryable: true });
    expect(e.message).toContain(`smtp://127.0.0.1:${port}`);
    expect(e.message).not.toContain('hunter2');
  });

  it('gives up after timeoutMs on a server that never greets, and retries', async () => {
    tcp = await startTcpServer(() => {});
    transport = createEmailTransport(`smtp://127.0.0.1:${tcp.port}/`);
    const started = Date.now();
    const e = await send(transport, { timeoutMs: 300 });
    expect(e).toMatchObject({ reason: 'timeout', permanent: false });
    expect(e.message).toContain('no answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('reports a cancelled send as aborted', async () => {
    tcp = await startTcpServer(() => {});
    transport = createEmailTransport(`smtp://127.0.0.1:${tcp.port}/`);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect(await send(transport, { timeoutMs: 5000, signal: controller.signal })).toMatchObject({
      reason: 'aborted',
      permanent: false,
    });
  });

  it('refuses a receiver without addresses without connecting', async () => {
    const { server, transport } = await setup();
    const e = await rejection(sendEmail(transport, [], render(notification([matchAlert()])), { timeoutMs: 5000 }));
    expect(e).toMatchObject({ reason: 'invalid-recipient', permanent: true });
    expect(server.received).toHaveLength(0);
  });
});

describe('SMTP_URL', () => {
  const cases: [string, string, RegExp][] = [
    ['not a URL', 'mail.example.org:25', /not a URL|must start with smtp/],
    [
      'another scheme',
      'https://alerts:hunter2@mail.example.org',
      /must start with smtp:\/\/ or smtps:\/\/, not https:/,
    ],
    ['no host', 'smtp:///', /SMTP_URL has no host|not a URL/],
  ];
  it.each(cases)('rejects %s as a permanent config error', (_name, url, message) => {
    let thrown: unknown;
    try {
      createEmailTransport(url);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(NotifyError);
    expect(thrown).toMatchObject({ reason: 'config', permanent: true });
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toContain('hunter2');
  });

  it('is required by createEmailTransportFromEnv', () => {
    expect(() => createEmailTransportFromEnv({})).toThrow(/SMTP_URL is not set/);
    const t = createEmailTransportFromEnv({ SMTP_URL: 'smtps://alerts:x@mail.example.org:465' });
    expect(t).toBeDefined();
    t.close();
  });
});
