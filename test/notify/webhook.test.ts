// The generic webhook end to end on loopback: a signed JSON body that a receiver written as
// docs/watchbook.md says verifies, and each answer classified as Slack's are (4xx permanent except 429,
// Retry-After honoured, 5xx retried), with neither the URL's token nor the secret in any message.
import { afterEach, describe, expect, it } from 'vitest';
import { NotifyError, type NotifyFailureReason } from '../../src/notify/errors.js';
import {
  renderDigestWebhook,
  renderNotificationWebhook,
  type WebhookNotification,
} from '../../src/notify/render-webhook.js';
import { sendWebhook, webhookSignature } from '../../src/notify/send-webhook.js';
import { rejection } from '../helpers/fetch-error.js';
import { startWebhookServer, type WebhookServer } from '../helpers/slack.js';
import { signatureProblem } from '../helpers/webhook.js';
import { AT, WATCH, digest, healthAlert, matchAlert, notification } from './build.js';

const TOKEN = 'tok3n-in-the-path-XXXX';
const SECRET = 's3cret-hmac-key-YYYY';
const NOW = Date.UTC(2026, 0, 5, 12);
const older = matchAlert({
  id: 'older',
  labels: {
    kind: 'match',
    indicator: 'ukraine-polling',
    severity: 'low',
    source: 'kiis-reports',
    rule: 'kiis-concessions',
  },
});
const n = notification([matchAlert(), older], { newIds: [matchAlert().id] });
const payload = renderNotificationWebhook(n, { watchTitle: WATCH });

let hook: WebhookServer | undefined;
afterEach(async () => {
  await hook?.close();
  hook = undefined;
});

describe('the body', () => {
  it('is Alertmanager-shaped, with the notification id, the new alerts and each explanation', () => {
    expect(payload).toMatchObject({
      version: '1',
      type: 'notification',
      id: n.id,
      receiver: n.receiver,
      status: 'firing',
      watch: { title: WATCH },
      groupKey: n.groupKey,
      groupLabels: n.groupLabels,
      commonLabels: { kind: 'match', indicator: 'ukraine-polling', source: 'kiis-reports', rule: 'kiis-concessions' },
      newIds: [matchAlert().id],
    });
    expect(payload.alerts.map((a) => [a.id, a.new, a.status])).toEqual([
      [matchAlert().id, true, 'firing'],
      ['older', false, 'firing'],
    ]);
    expect(payload.alerts[0]).toMatchObject({
      kind: 'match',
      labels: matchAlert().labels,
      startsAt: new Date(AT).toISOString(),
      summary: matchAlert().summary,
      explanation: matchAlert().explanation,
    });
  });

  it('counts every alert as new when the notification does not say which are', () => {
    const all = renderNotificationWebhook(notification([matchAlert(), healthAlert()]), { watchTitle: WATCH });
    expect(all.alerts.every((a) => a.new)).toBe(true);
    expect(all.newIds).toEqual(all.alerts.map((a) => a.id));
  });

  it('carries a digest with its window as RFC 3339 times', () => {
    const d = digest();
    const body = renderDigestWebhook(d);
    expect(body).toMatchObject({
      version: '1',
      type: 'digest',
      id: d.id,
      receiver: d.receiver,
      watch: { title: d.watchTitle },
      from: new Date(d.from).toISOString(),
      to: new Date(d.to).toISOString(),
    });
    expect(body.scenarios).toEqual(d.scenarios);
    expect(body.indicators).toEqual(d.indicators);
  });
});

describe('a webhook that accepts', () => {
  it('receives the JSON body with a signature that verifies over the timestamp and the raw body', async () => {
    hook = await startWebhookServer((_req, res) => res.writeHead(204).end());
    await sendWebhook({ url: `${hook.url}/hooks/${TOKEN}`, secret: SECRET }, payload, { timeoutMs: 5000 });
    expect(hook.requests).toHaveLength(1);
    const req = hook.requests[0]!;
    expect(req).toMatchObject({ method: 'POST', path: `/hooks/${TOKEN}` });
    expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(req.headers['x-signpost-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signatureProblem(req, SECRET)).toBeUndefined();
    expect(JSON.parse(req.body) as WebhookNotification).toEqual(JSON.parse(JSON.stringify(payload)));
  });

  it('fails verification under another secret, with a changed body, or replayed later', async () => {
    hook = await startWebhookServer((_req, res) => res.end('ok'));
    await sendWebhook({ url: hook.url, secret: SECRET }, payload, { timeoutMs: 5000 });
    const req = hook.requests[0]!;
    expect(signatureProblem(req, 'another secret')).toBe('bad signature');
    expect(signatureProblem({ ...req, body: req.body.replace('firing', 'resolved') }, SECRET)).toBe('bad signature');
    expect(signatureProblem(req, SECRET, Date.now() + 10 * 60_000)).toBe('timestamp too old or too new');
    // The timestamp is signed: moving it forward to pass the age check breaks the signature.
    const moved = {
      ...req,
      headers: { ...req.headers, 'x-signpost-timestamp': String(Math.floor(Date.now() / 1000) + 600) },
    };
    expect(signatureProblem(moved, SECRET, Date.now() + 10 * 60_000)).toBe('bad signature');
  });

  it('signs with the clock it is given, in Unix seconds', async () => {
    hook = await startWebhookServer((_req, res) => res.end('ok'));
    await sendWebhook({ url: hook.url, secret: SECRET }, payload, { timeoutMs: 5000, now: () => NOW + 999 });
    const req = hook.requests[0]!;
    expect(req.headers['x-signpost-timestamp']).toBe(String(NOW / 1000));
    expect(req.headers['x-signpost-signature']).toBe(webhookSignature(SECRET, NOW / 1000, req.body));
  });
});

describe('classification of each answer', () => {
  // [name, status, headers, reason, permanent, retryAfterMs]
  // prettier-ignore
  const cases: [string, number, Record<string, string>, NotifyFailureReason, boolean, number | undefined][] = [
    ['400 is permanent', 400, {}, 'http-4xx', true, undefined],
    ['401 (the receiver refused the signature) is permanent', 401, {}, 'http-4xx', true, undefined],
    ['429 with Retry-After is retried after it', 429, { 'retry-after': '30' }, 'http-429', false, 30_000],
    ['429 with Retry-After as an HTTP date', 429, { 'retry-after': 'Mon, 05 Jan 2026 12:02:00 GMT' }, 'http-429', false, 120_000],
    ['500 is retried', 500, {}, 'http-5xx', false, undefined],
    ['503 with Retry-After is retried after it', 503, { 'retry-after': '10' }, 'http-5xx', false, 10_000],
    ['a redirect is permanent and not followed', 307, { location: 'http://127.0.0.1:1/elsewhere' }, 'http-3xx', true, undefined],
  ];
  // prettier-ignore
  it.each(cases)('%s', async (_name, status, headers, reason, permanent, retryAfterMs) => {
    hook = await startWebhookServer((_req, res) => res.writeHead(status, headers).end('nope'));
    const e = await rejection(sendWebhook({ url: `${hook.url}/hooks/${TOKEN}?token=${TOKEN}`, secret: SECRET }, payload, { timeoutMs: 5000, now: () => NOW }));
    expect(e).toBeInstanceOf(NotifyError);
    expect({ reason: e.reason, permanent: e.permanent, retryAfterMs: e.retryAfterMs, status: e.status }).toEqual({ reason, permanent, retryAfterMs, status });
    expect(e.message).toContain(`127.0.0.1:${hook.port}`);
    for (const secret of [TOKEN, SECRET]) expect(`${e.message} ${String(e.stack)}`).not.toContain(secret);
    expect(hook.requests).toHaveLength(1);
  });

  it('retries a webhook that never answers (timeout)', async () => {
    hook = await startWebhookServer(() => {});
    const e = await rejection(
      sendWebhook({ url: `${hook.url}/hooks/${TOKEN}`, secret: SECRET }, payload, { timeoutMs: 300 }),
    );
    expect(e).toMatchObject({ reason: 'timeout', permanent: false });
    expect(e.message).not.toContain(TOKEN);
  });

  const configs: [string, string, string][] = [
    ['an empty URL', '', SECRET],
    ['a URL that is not http(s)', 'ftp://example.org/hook', SECRET],
    ['an empty secret: nothing goes unsigned', 'http://127.0.0.1:1/hook', ''],
  ];
  it.each(configs)('stops at %s (config)', async (_name, url, secret) => {
    expect(await rejection(sendWebhook({ url, secret }, payload, { timeoutMs: 5000 }))).toMatchObject({
      reason: 'config',
      permanent: true,
    });
  });
});
