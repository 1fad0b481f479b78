import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type RunningWorker } from '../../jobs/worker.js';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import type { WebhookNotification } from '../../src/notify/index.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { startWebhookServer, type WebhookServer } from '../helpers/slack.js';
import { signatureProblem } from '../helpers/webhook.js';
import { deleteUnder } from './helpers/redis.js';

// The generic webhook end to end through the worker: a matched item routed to two webhook receivers whose
// URL and secret come from the environment. The tool's endpoint answers 429 with Retry-After, then 500,
// then takes it: every attempt is signed and verifies, the retry waits out Retry-After, and the message
// goes once. The strict endpoint answers 400: a permanent failure, never retried. No log line holds the
// URL's token or the secret.

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `{test-webhook-${process.pid}-${Date.now()}}`;
const TOKEN = 'path-t0ken-ZZZZ';
const SECRET = 'hmac-s3cret-QQQQ';

let feeds: TestServer;
let tool: WebhookServer;
let strict: WebhookServer;
let redis: Redis;
let worker: RunningWorker;
let dir: string;
const logs: string[] = [];

beforeAll(async () => {
  feeds = await startServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end(
      '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><guid isPermaLink="false">poll-0</guid><title>KIIS poll: most Ukrainians reject territorial concessions</title></item></channel></rss>',
    );
  });
  let calls = 0;
  tool = await startWebhookServer((_req, res) => {
    calls++;
    if (calls === 1) return void res.writeHead(429, { 'retry-after': '3' }).end('slow down');
    if (calls === 2) return void res.writeHead(500).end('oops');
    res.writeHead(204).end();
  });
  strict = await startWebhookServer((_req, res) => res.writeHead(400).end('bad request'));
  dir = mkdtempSync(join(tmpdir(), 'signpost-webhook-'));
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
      'routes:',
      '  receiver: tools',
      '  group_by: [indicator]',
      '  group_wait: 1s',
      '  group_interval: 2s',
      '  repeat_interval: 1h',
      '  routes: [{ receiver: strict, continue: true }, { receiver: tools }]',
      'receivers:',
      '  tools: { webhook: { url: "${HOOK_URL}", secret: "${HOOK_SECRET}" } }',
      '  strict: { webhook: { url: "${STRICT_URL}", secret: "${HOOK_SECRET}" } }',
    ].join('\n'),
  );
  const env = {
    ...process.env,
    HOOK_URL: `${tool.url}/hooks/${TOKEN}`,
    STRICT_URL: `${strict.url}/hooks/${TOKEN}`,
    HOOK_SECRET: SECRET,
  };
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  redis = new Redis(REDIS_URL);
  worker = await startWorker({
    configPath: dir,
    watchbook: loadWatchbookOrThrow(dir, env),
    redisUrl: REDIS_URL,
    prefix: PREFIX,
    tickMs: 1_000,
    minDelayMs: 0,
    log: pino({ level: 'debug' }, sink),
    shutdownGraceMs: 5_000,
  });
}, 30_000);

afterAll(async () => {
  await worker?.stop();
  await deleteUnder(redis, PREFIX);
  redis.disconnect();
  await Promise.all([feeds.close(), tool.close(), strict.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function until(what: string, probe: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a webhook receiver through the worker', () => {
  it('delivers a signed notification once, through a 429 and a 500, and never retries a 400', async () => {
    await until('the third attempt', () => tool.requests.length >= 3, 60_000);
    for (const req of tool.requests) expect(signatureProblem(req, SECRET)).toBeUndefined();
    expect(tool.requests.map((r) => r.path)).toEqual(Array(3).fill(`/hooks/${TOKEN}`));
    const bodies = tool.requests.map((r) => JSON.parse(r.body) as WebhookNotification);
    // The same message each attempt: the id a receiver drops duplicates by.
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
    expect(bodies[2]).toMatchObject({
      version: '1',
      type: 'notification',
      receiver: 'tools',
      status: 'firing',
      groupLabels: { indicator: 'ukraine-polling' },
    });
    expect(bodies[2]!.alerts[0]).toMatchObject({
      kind: 'match',
      new: true,
      labels: { indicator: 'ukraine-polling' },
      summary: 'ukraine-polling: KIIS poll: most Ukrainians reject territorial concessions (polls)',
    });
    expect(bodies[2]!.newIds).toEqual(bodies[2]!.alerts.map((a) => a.id));
    // The retry after the 429 waited out its Retry-After (3 s), longer than the first backoff (2 s ± 25%).
    expect(headerDate(tool.requests[1]!) - headerDate(tool.requests[0]!)).toBeGreaterThanOrEqual(3);

    await until('the strict receiver', () => strict.requests.length >= 1);
    expect(signatureProblem(strict.requests[0]!, SECRET)).toBeUndefined();

    // More ticks and polls: nothing is sent again, and the 400 is not retried.
    await until('the delivery recorded', () =>
      logs.some((l) => l.includes('"channel":"webhook"') && l.includes('Notification sent')),
    );
    await new Promise((r) => setTimeout(r, 5_000));
    expect(tool.requests).toHaveLength(3);
    expect(strict.requests).toHaveLength(1);

    const text = logs.join('');
    expect(text).toContain('rejected for good: 400');
    for (const secret of [TOKEN, SECRET]) expect(text).not.toContain(secret);
  }, 90_000);
});

/** The signed timestamp of a request, in seconds. */
const headerDate = (req: { headers: Record<string, unknown> }) => Number(req.headers['x-signpost-timestamp']);
