// Slack end to end: payloads posted to a local HTTP server in Slack's place, which answers 200, 429 (with
// Retry-After in seconds or as a date), 5xx, 4xx, a redirect, or nothing at all.
import { afterEach, describe, expect, it } from 'vitest';
import { NotifyError, type NotifyFailureReason } from '../../src/notify/errors.js';
import { renderDigestSlack, renderNotificationSlack } from '../../src/notify/render-slack.js';
import { sendSlack } from '../../src/notify/send-slack.js';
import { rejection } from '../helpers/fetch-error.js';
import { closedPort } from '../helpers/server.js';
import { blockKitProblems, startWebhookServer, type WebhookServer } from '../helpers/slack.js';
import { HOSTILE, WATCH, digest, matchAlert, notification } from './build.js';

// The path of a Slack webhook is its secret.
const SECRET = '/services/T0000/B0000/XXXXXXXXsecretXXXXXXXX';
const NOW = Date.UTC(2026, 0, 5, 12);
const payload = renderNotificationSlack(
  notification([matchAlert({ summary: HOSTILE.channel }, { title: HOSTILE.channel })]),
  { watchTitle: WATCH },
);

let hook: WebhookServer | undefined;
afterEach(async () => {
  await hook?.close();
  hook = undefined;
});

describe('a webhook that accepts', () => {
  it('receives valid Block Kit JSON with the headline escaped', async () => {
    hook = await startWebhookServer((_req, res) => res.end('ok'));
    await sendSlack(hook.url + SECRET, payload, { timeoutMs: 5000 });
    expect(hook.requests).toHaveLength(1);
    const [req] = hook.requests;
    expect(req).toMatchObject({ method: 'POST', path: SECRET });
    expect(req!.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = JSON.parse(req!.body) as unknown;
    expect(blockKitProblems(body)).toEqual([]);
    expect(req!.body).toContain('&lt;!channel&gt;');
    expect(req!.body).toContain('&lt;https://evil.example|click here&gt;');
    expect(req!.body).not.toContain('<!channel>');
    expect(body).toEqual(JSON.parse(JSON.stringify(payload)));
  });

  it('posts the digest notice', async () => {
    hook = await startWebhookServer((_req, res) => res.end('ok'));
    await sendSlack(hook.url + SECRET, renderDigestSlack(digest()), { timeoutMs: 5000 });
    expect(blockKitProblems(JSON.parse(hook.requests[0]!.body))).toEqual([]);
  });

  it('counts a 200 whose body never ends as sent: the message is posted', async () => {
    hook = await startWebhookServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('o');
    });
    await expect(sendSlack(hook.url + SECRET, payload, { timeoutMs: 300 })).resolves.toBeUndefined();
  });
});

describe('classification of each answer', () => {
  // [name, status, headers, body, reason, permanent, retryAfterMs]
  // prettier-ignore
  const cases: [string, number, Record<string, string>, string, NotifyFailureReason, boolean, number | undefined][] = [
    ['429 with Retry-After in seconds', 429, { 'retry-after': '30' }, 'rate_limited', 'http-429', false, 30_000],
    ['429 with Retry-After as an HTTP date', 429, { 'retry-after': 'Mon, 05 Jan 2026 12:02:00 GMT' }, 'rate_limited', 'http-429', false, 120_000],
    ['429 without Retry-After', 429, {}, '', 'http-429', false, undefined],
    ['500', 500, {}, 'rollup_error', 'http-5xx', false, undefined],
    ['503 with Retry-After', 503, { 'retry-after': '10' }, '', 'http-5xx', false, 10_000],
    ['400 invalid_payload', 400, {}, 'invalid_payload', 'http-4xx', true, undefined],
    ['403 action_prohibited', 403, {}, 'action_prohibited', 'http-4xx', true, undefined],
    ['404 no_service', 404, {}, 'no_service', 'http-4xx', true, undefined],
    ['410 channel_is_archived', 410, {}, 'channel_is_archived', 'http-4xx', true, undefined],
  ];
  it.each(cases)('%s', async (_name, status, headers, body, reason, permanent, retryAfterMs) => {
    hook = await startWebhookServer((_req, res) => {
      res.writeHead(status, headers);
      res.end(body);
    });
    const e = await rejection(sendSlack(hook.url + SECRET, payload, { timeoutMs: 5000, now: () => NOW }));
    expect(e).toBeInstanceOf(NotifyError);
    expect({
      reason: e.reason,
      permanent: e.permanent,
      retryable: e.retryable,
      retryAfterMs: e.retryAfterMs,
      status: e.status,
    }).toEqual({ reason, permanent, retryable: !permanent, retryAfterMs, status });
    if (body) expect(e.message).toContain(`"${body}"`);
    expect(e.message).toContain(`127.0.0.1:${hook.port}`);
    expect(e.message).not.toContain(SECRET);
    expect(String(e.stack)).not.toContain('secret');
    expect(hook.requests).toHaveLength(1);
  });

  it('stops at a redirect without following it', async () => {
    const target = await startWebhookServer((_req, res) => res.end('ok'));
    try {
      hook = await startWebhookServer((_req, res) => {
        res.writeHead(307, { location: `${target.url}/elsewhere` });
        res.end();
      });
      const e = await rejection(sendSlack(hook.url + SECRET, payload, { timeoutMs: 5000 }));
      expect(e).toMatchObject({ reason: 'http-3xx', permanent: true, status: 307 });
      expect(target.requests).toHaveLength(0);
    } finally {
      await target.close();
    }
  });

  it('times out on a webhook that never answers, and retries', async () => {
    hook = await startWebhookServer(() => {});
    const started = Date.now();
    const e = await rejection(sendSlack(hook.url + SECRET, payload, { timeoutMs: 300 }));
    expect(e).toMatchObject({ reason: 'timeout', permanent: false, retryable: true });
    expect(e.message).toContain('no answer within 300 ms');
    expect(e.message).not.toContain(SECRET);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('takes the status of a 500 whose body stalls, within the timeout', async () => {
    hook = await startWebhookServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.write('partial');
    });
    expect(await rejection(sendSlack(hook.url + SECRET, payload, { timeoutMs: 300 }))).toMatchObject({
      reason: 'http-5xx',
      permanent: false,
      status: 500,
    });
  });

  it('reports a cancelled send as aborted, whatever reason the caller gave', async () => {
    hook = await startWebhookServer(() => {});
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('worker shutting down')), 50);
    expect(
      await rejection(sendSlack(hook.url + SECRET, payload, { timeoutMs: 5000, signal: controller.signal })),
    ).toMatchObject({ reason: 'aborted', permanent: false });
  });

  it('retries when nothing listens (refused)', async () => {
    const port = await closedPort();
    const e = await rejection(sendSlack(`http://127.0.0.1:${port}${SECRET}`, payload, { timeoutMs: 5000 }));
    expect(e).toMatchObject({ reason: 'refused', permanent: false });
    expect(e.message).not.toContain(SECRET);
  });

  const configs: [string, string][] = [
    ['an empty webhook', ''],
    ['a webhook that is not a URL', 'hooks.slack.com/services/x'],
    ['a webhook that is not http(s)', 'ftp://hooks.slack.com/services/x'],
  ];
  it.each(configs)('stops at %s (config)', async (_name, webhook) => {
    expect(await rejection(sendSlack(webhook, payload, { timeoutMs: 5000 }))).toMatchObject({
      reason: 'config',
      permanent: true,
    });
  });
});
