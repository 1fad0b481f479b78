import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type RunningWorker } from '../../jobs/worker.js';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { deleteUnder } from './helpers/redis.js';
import { startWebhookServer, type WebhookServer } from '../helpers/slack.js';
import { smtpReply, startSmtpServer, type SmtpTestServer } from '../helpers/smtp.js';

// Alerts end to end through the worker: matched items routed to a receiver with email and Slack, grouped by
// indicator, delivered once each. The SMTP server refuses everything (421) for a while, then recovers; the
// Slack stand-in answers 429 with Retry-After first. Every alert arrives, none twice, escaped for its medium.

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `{test-alerts-${process.pid}-${Date.now()}}`;
const HEADLINES = [
  'KIIS poll: most Ukrainians reject territorial concessions & > 70% say so',
  'КМІС: 75% українців проти територіальних поступок',
];

let feeds: TestServer;
let smtp: SmtpTestServer;
let slack: WebhookServer;
let smtpDown = true;
let redis: Redis;
let worker: RunningWorker;
let dir: string;

beforeAll(async () => {
  feeds = await startServer((_req, res) => {
    const items = HEADLINES.map(
      (t, n) =>
        `<item><guid isPermaLink="false">poll-${n}</guid><title>${t.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</title></item>`,
    ).join('');
    res
      .writeHead(200, { 'content-type': 'application/rss+xml' })
      .end(`<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>${items}</channel></rss>`);
  });
  smtp = await startSmtpServer({
    onRcptTo: (_address, _session, callback) =>
      callback(smtpDown ? smtpReply(421, 'Service not available, try later') : undefined),
  });
  let slackCalls = 0;
  slack = await startWebhookServer((_req, res) => {
    slackCalls++;
    if (slackCalls === 1) return void res.writeHead(429, { 'retry-after': '1' }).end('rate limited');
    res.writeHead(200).end('ok');
  });
  dir = mkdtempSync(join(tmpdir(), 'signpost-alerts-'));
  cpSync(new URL('../../config/rules', import.meta.url).pathname, join(dir, 'rules'), { recursive: true });
  writeFileSync(
    join(dir, 'watchbook.yaml'),
    [
      'version: 1',
      'watch: { id: test, title: "Test watch", allow_private: true }',
      'scenarios: { baseline: { title: Baseline, prior: 0.6 }, risk: { title: Risk, prior: 0.4 } }',
      'indicators:',
      ...[
        'miami-working-group',
        'ukraine-polling',
        'russia-eu-alignment',
        'nato-partner-assurances',
        'ceasefire',
        'guarantees-withdrawn',
        'renewed-offensive',
      ].map((i) => `  ${i}: { title: ${i} }`),
      'sources:',
      `  - { id: polls, type: rss, url: "${feeds.url}/feed.xml", every: 1s, credibility: 0.8, lang: en }`,
      'routes: { receiver: desk, group_by: [indicator], group_wait: 1s, group_interval: 2s, repeat_interval: 1h }',
      'receivers:',
      `  desk: { email: { to: ["desk@example.org"] }, slack: { webhook: "${slack.url}/hook" } }`,
    ].join('\n'),
  );
  process.env.SMTP_URL = smtp.url;
  process.env.SMTP_FROM = 'Signpost <signpost@example.org>';
  redis = new Redis(REDIS_URL);
  worker = await startWorker({
    configPath: dir,
    watchbook: loadWatchbookOrThrow(dir),
    redisUrl: REDIS_URL,
    prefix: PREFIX,
    tickMs: 1_000,
    minDelayMs: 0,
    log: pino({ level: 'silent' }),
    shutdownGraceMs: 5_000,
  });
}, 30_000);

afterAll(async () => {
  await worker?.stop();
  delete process.env.SMTP_URL;
  delete process.env.SMTP_FROM;
  await deleteUnder(redis, PREFIX);
  redis.disconnect();
  await Promise.all([feeds.close(), smtp.close(), slack.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function until(what: string, probe: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('alerts through the worker', () => {
  it('delivers one message per group on each channel, through a 429 and an SMTP outage, and never twice', async () => {
    // Slack: a 429 first, then the message, with Retry-After honoured.
    await until('the Slack message', () => slack.requests.length >= 2);
    const body = slack.requests[1]!.body;
    // A headline's "&" and ">" reach Slack escaped, so scraped text can never form a mention or a link.
    expect(body).toContain('concessions &amp; &gt; 70% say so');
    expect(body).toContain('poll-rejects-concessions');

    // Email: refused while the server is down; delivered once it is back.
    expect(smtp.received).toHaveLength(0);
    smtpDown = false;
    await until('the email', () => smtp.received.length >= 1, 60_000);
    const mail = smtp.received[0]!.parsed;
    expect(mail.subject).toContain('ukraine-polling');
    expect(mail.text).toContain('KIIS poll: most Ukrainians reject territorial concessions & > 70% say so');
    expect(String(mail.html)).toContain('concessions &amp; &gt; 70% say so');
    expect(mail.messageId).toMatch(/@signpost\.invalid>?$/);

    // Several more ticks and polls: nothing is sent again.
    await new Promise((r) => setTimeout(r, 5_000));
    expect(smtp.received).toHaveLength(1);
    expect(slack.requests).toHaveLength(2);
    expect(mail.text).toContain('КМІС: 75% українців проти територіальних поступок');
  }, 90_000);
});
