import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type RunningWorker } from '../../jobs/worker.js';
import { sourceHealthAlert } from '../../src/alerts/index.js';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import type { SourceHealth } from '../../src/model/source-health.js';
import type { Watchbook } from '../../src/model/watchbook.js';
import { QUEUE } from '../../src/queue/index.js';
import { RedisStore } from '../../src/store/index.js';
import { startWeb, type RunningWeb } from '../../src/web/index.js';
import { cliAsync } from '../cli/run-cli.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { startWebhookServer, type WebhookServer } from '../helpers/slack.js';
import { startSmtpServer, type SmtpTestServer } from '../helpers/smtp.js';
import { deleteUnder, keysUnder, randomPrefix, until } from './helpers/redis.js';

// A source URL with a secret from the environment (`?token=${FEED_TOKEN}`, or in the path) is fetched with
// the secret, and shown everywhere else without it: errors, health records and everything else in Redis,
// source-health alerts and their Slack and email messages, the overview, the job board, readiness and
// metrics, log lines, and `signpost fetch`. The worker runs for real on Redis; the feeds, Slack and SMTP
// are loopback stand-ins.

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = randomPrefix('test-secrets');
const TOKEN = `tok-${randomBytes(12).toString('hex')}`;
const AUTH = { user: 'viewer', password: 'viewer-password-1' };

let feeds: TestServer;
let slack: WebhookServer;
let smtp: SmtpTestServer;
let redis: Redis;
let store: RedisStore;
let worker: RunningWorker;
let web: RunningWeb;
let watchbook: Watchbook;
let dir: string;
const requested: string[] = [];
const logs: string[] = [];

function rss(): string {
  return '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><guid isPermaLink="false">a</guid><title>Nothing to see</title></item></channel></rss>';
}

beforeAll(async () => {
  feeds = await startServer((req, res) => {
    const path = req.url ?? '/';
    requested.push(path);
    if (path === '/robots.txt') return void res.writeHead(404).end();
    // Moved, with the token, to a place that fails: the error names the final URL.
    if (path === `/bad?token=${TOKEN}`) return void res.writeHead(302, { location: `/bad-moved?token=${TOKEN}` }).end();
    if (path === `/bad-moved?token=${TOKEN}`) return void res.writeHead(500).end('down');
    if (path === `/good.xml?token=${TOKEN}`)
      return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss());
    res.writeHead(404).end('not here');
  });
  slack = await startWebhookServer((_req, res) => void res.writeHead(200).end('ok'));
  smtp = await startSmtpServer();
  dir = mkdtempSync(join(tmpdir(), 'signpost-secrets-'));
  writeFileSync(
    join(dir, 'watchbook.yaml'),
    [
      'version: 1',
      'watch: { id: secrets, title: "Secrets watch", allow_private: true }',
      'scenarios: { calm: { title: Calm, prior: 0.6 }, risk: { title: Risk, prior: 0.4 } }',
      'indicators: { ind: { title: Indicator } }',
      'rules: [{ id: r, indicator: ind, match: zebracorn, evidence: { risk: strong } }]',
      'sources:',
      `  - { id: bad, type: rss, url: "${feeds.url}/bad?token=\${FEED_TOKEN}", every: 1s, credibility: 0.8, lang: en }`,
      // The secret in the path, where no parameter name gives it away.
      `  - { id: hidden, type: rss, url: "${feeds.url}/p/\${FEED_TOKEN}/feed.xml", every: 1s, credibility: 0.8, lang: en }`,
      `  - { id: good, type: rss, url: "${feeds.url}/good.xml?token=\${FEED_TOKEN}", every: 1s, credibility: 0.8, lang: en }`,
      'routes: { receiver: oncall, group_by: [source], group_wait: 1s, group_interval: 2s, repeat_interval: 1h }',
      'receivers:',
      `  oncall: { email: { to: ["oncall@example.org"] }, slack: { webhook: "${slack.url}/hook" } }`,
    ].join('\n'),
  );
  process.env.FEED_TOKEN = TOKEN; // for `signpost fetch`, which reads the environment as a deployment would
  process.env.SMTP_URL = smtp.url;
  process.env.SMTP_FROM = 'Signpost <signpost@example.org>';
  watchbook = loadWatchbookOrThrow(dir, { ...process.env, FEED_TOKEN: TOKEN });
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  store = new RedisStore(redis, { prefix: PREFIX });
  const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
  worker = await startWorker({
    configPath: dir,
    watchbook,
    redisUrl: REDIS_URL,
    prefix: PREFIX,
    tickMs: 500,
    minDelayMs: 0,
    log,
    shutdownGraceMs: 5_000,
    reload: false,
  });
  web = await startWeb({
    port: 0,
    host: '127.0.0.1',
    redis,
    prefix: PREFIX,
    watchbook: () => watchbook,
    reloadStatus: () => ({ ok: true, at: Date.now(), problems: [] }),
    log,
    auth: AUTH,
  });
}, 30_000);

afterAll(async () => {
  await worker?.stop();
  await web?.close();
  delete process.env.FEED_TOKEN;
  delete process.env.SMTP_URL;
  delete process.env.SMTP_FROM;
  await deleteUnder(redis, PREFIX);
  redis.disconnect();
  await Promise.all([feeds.close(), slack.close(), smtp.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** Every value under the prefix, whatever its type, as text. */
async function everythingInRedis(): Promise<string> {
  const out: string[] = [];
  for (const key of await keysUnder(redis, PREFIX)) {
    const type = await redis.type(key);
    if (type === 'string') out.push((await redis.get(key)) ?? '');
    else if (type === 'hash') out.push(JSON.stringify(await redis.hgetall(key)));
    else if (type === 'list') out.push(JSON.stringify(await redis.lrange(key, 0, -1)));
    else if (type === 'set') out.push(JSON.stringify(await redis.smembers(key)));
    else if (type === 'zset') out.push(JSON.stringify(await redis.zrange(key, 0, -1, 'WITHSCORES')));
    else if (type === 'stream') out.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    out.push(key);
  }
  return out.join('\n');
}

const basic = { authorization: `Basic ${Buffer.from(`${AUTH.user}:${AUTH.password}`).toString('base64')}` };
const text = async (path: string) => (await fetch(`${web.url}${path}`, { headers: basic })).text();

describe('a source URL with a secret from the environment', () => {
  it('is fetched with the secret and shown nowhere with it: Redis, alerts, Slack, email, web, logs', async () => {
    const health = async (id: string) => (await store.allHealth()).find((h) => h.source === id);
    const outage = await until(
      'the source-health messages of both failing sources',
      async () => {
        const [bad, hidden] = await Promise.all([health('bad'), health('hidden')]);
        const sent = smtp.received.length >= 2 && slack.requests.length >= 2;
        return sent && bad?.lastError && hidden?.lastError ? { bad, hidden } : undefined;
      },
      45_000,
      { describe: async () => JSON.stringify(await store.allHealth()) },
    );
    const good = await until(
      'a good fetch',
      async () => ((await health('good'))?.lastSuccessAt !== undefined ? true : undefined),
      20_000,
    );
    expect(good).toBe(true);

    // The fetches carried the secret.
    expect(requested).toEqual(
      expect.arrayContaining([
        `/bad?token=${TOKEN}`,
        `/bad-moved?token=${TOKEN}`,
        `/p/${TOKEN}/feed.xml`,
        `/good.xml?token=${TOKEN}`,
      ]),
    );

    // Each surface is checked softly, so a leak on one does not hide those on the others.
    // Health records: the error names the URL as written, with the variable in place of its value.
    expect
      .soft(outage.bad.lastError!.message)
      .toBe(`fetch: 500 Internal Server Error for ${feeds.url}/bad-moved?token=\${FEED_TOKEN}`);
    expect.soft(outage.hidden.lastError!.message).toContain(`${feeds.url}/p/\${FEED_TOKEN}/feed.xml`);

    // Nothing in Redis: health, alerts, groups, send logs, and every BullMQ job's payload and result.
    const stored = await everythingInRedis();
    expect(stored).toContain('source-health:bad');
    expect.soft(stored).not.toContain(TOKEN);

    // The source-health alert as made from the stored record.
    for (const [id, h] of Object.entries<SourceHealth>(outage)) {
      const source = watchbook.sources.find((s) => s.id === id)!;
      expect(source.url).toContain(TOKEN);
      const alert = sourceHealthAlert(h, source, Date.now(), { failuresThreshold: 1 })!;
      expect.soft(alert.explanation.reason).toContain('${FEED_TOKEN}');
      expect.soft(JSON.stringify([alert.summary, alert.explanation, alert.labels])).not.toContain(TOKEN);
    }
    expect
      .soft(watchbook.sources.find((s) => s.id === 'bad')!.displayUrl)
      .toBe(`${feeds.url}/bad?token=\${FEED_TOKEN}`);

    // The messages on-call got.
    const slackBodies = slack.requests.map((r) => r.body).join('\n');
    expect.soft(slackBodies).toContain('${FEED_TOKEN}');
    expect.soft(slackBodies).not.toContain(TOKEN);
    const mails = smtp.received
      .map((m) => `${m.parsed.subject ?? ''}\n${m.parsed.text ?? ''}\n${String(m.parsed.html)}`)
      .join('\n');
    expect.soft(mails).toContain('FEED_TOKEN');
    expect.soft(mails).not.toContain(TOKEN);

    // The web role: the overview, the job board's API for every queue, readiness and metrics.
    const overview = await text('/');
    expect.soft(overview).toContain('${FEED_TOKEN}');
    const pages = [overview, await text('/readyz'), await text('/metrics'), await text('/queues')];
    for (const queue of Object.values(QUEUE)) {
      for (const status of ['latest', 'completed', 'failed'])
        pages.push(await text(`/queues/api/queues?activeQueue=${queue}&status=${status}&page=1&jobsPerPage=100`));
    }
    expect(pages.join('\n')).toContain('"name":"fetch"');
    expect.soft(pages.join('\n')).not.toContain(TOKEN);

    // The log lines of the worker and the web role.
    expect(logs.join('\n')).toContain('500 Internal Server Error');
    expect.soft(logs.join('\n')).not.toContain(TOKEN);
  }, 90_000);

  it('is not printed by `signpost fetch`, failing or succeeding, yet fetched with its secret', async () => {
    const before = requested.length;
    const bad = await cliAsync(['fetch', '--config', dir, 'bad']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(
      `http-5xx: fetch: 500 Internal Server Error for ${feeds.url}/bad-moved?token=\${FEED_TOKEN}`,
    );
    const hidden = await cliAsync(['fetch', '--config', dir, 'hidden']);
    expect(hidden.status).toBe(1);
    expect(hidden.stderr).toContain(`${feeds.url}/p/\${FEED_TOKEN}/feed.xml`);
    const good = await cliAsync(['fetch', '--config', dir, 'good']);
    expect(good.status).toBe(0);
    expect(good.stderr).toContain(`1 item from ${feeds.url}/good.xml?token=\${FEED_TOKEN}`);
    for (const r of [bad, hidden, good]) expect.soft(`${r.stdout}\n${r.stderr}`).not.toContain(TOKEN);
    expect(requested.slice(before)).toEqual(
      expect.arrayContaining([`/bad?token=${TOKEN}`, `/p/${TOKEN}/feed.xml`, `/good.xml?token=${TOKEN}`]),
    );
  }, 60_000);
});
