import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type RunningWorker } from '../../jobs/worker.js';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import { openQueues } from '../../src/queue/index.js';
import { RedisStore } from '../../src/store/index.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { deleteUnder } from './helpers/redis.js';
import { startSmtpServer, type SmtpTestServer } from '../helpers/smtp.js';

// A digest receiver collects its alerts and sends one message when its schedule fires (here every minute):
// the picture with its change, a section per indicator with the evidence that moved it, source health.

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `{test-digest-${process.pid}-${Date.now()}}`;
const HEADLINE = 'Razumkov poll: most Ukrainians reject ceding Donbas for peace';

let feeds: TestServer;
let smtp: SmtpTestServer;
let redis: Redis;
let worker: RunningWorker;
let dir: string;

beforeAll(async () => {
  feeds = await startServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(`<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><guid>d-1</guid><title>${HEADLINE}</title></item></channel></rss>`);
  });
  smtp = await startSmtpServer();
  dir = mkdtempSync(join(tmpdir(), 'signpost-digest-'));
  cpSync(new URL('../../config/rules', import.meta.url).pathname, join(dir, 'rules'), { recursive: true });
  writeFileSync(
    join(dir, 'watchbook.yaml'),
    [
      'version: 1',
      'watch: { id: test, title: "Digest watch", allow_private: true }',
      'scenarios: { baseline: { title: Baseline, prior: 0.6 }, risk: { title: Risk, prior: 0.4 } }',
      'indicators:',
      ...['miami-working-group', 'ukraine-polling', 'russia-eu-alignment', 'nato-partner-assurances', 'ceasefire', 'guarantees-withdrawn', 'renewed-offensive'].map((i) => `  ${i}: { title: "Indicator ${i}" }`),
      'sources:',
      `  - { id: polls, type: rss, url: "${feeds.url}/feed.xml", every: 1s, credibility: 0.8, lang: en }`,
      'routes: { receiver: analysts, group_by: [indicator] }',
      'receivers:',
      '  analysts: { email: { to: ["analysts@example.org"] }, digest: "* * * * *" }',
      '  archive: { email: { to: ["archive@example.org"] }, digest: "* * * * *", digest_when_empty: true }',
    ].join('\n'),
  );
  process.env.SMTP_URL = smtp.url;
  redis = new Redis(REDIS_URL);
  worker = await startWorker({ configPath: dir, watchbook: loadWatchbookOrThrow(dir), redisUrl: REDIS_URL, prefix: PREFIX, tickMs: 1_000, minDelayMs: 0, log: pino({ level: 'silent' }), shutdownGraceMs: 5_000 });
}, 30_000);

afterAll(async () => {
  await worker?.stop();
  delete process.env.SMTP_URL;
  await deleteUnder(redis, PREFIX);
  redis.disconnect();
  await Promise.all([feeds.close(), smtp.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('digests', () => {
  it('collects the alerts and sends them once, in one message, when the schedule fires', async () => {
    const deadline = Date.now() + 130_000;
    const withHeadline = () => smtp.received.filter((m) => (m.parsed.text ?? '').includes(HEADLINE));
    while (withHeadline().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const [mail] = withHeadline();
    expect(mail, 'a digest with the headline').toBeDefined();
    expect(mail!.parsed.subject).toMatch(/digest/);
    expect(mail!.parsed.text).toContain('Indicator ukraine-polling');
    expect(mail!.parsed.text).toMatch(/risk: \d+% \(\+\d+ pts\)/);
    expect(mail!.parsed.text).toContain('1 of 1 sources fine');
    expect(smtp.received.filter((m) => m.parsed.subject === mail!.parsed.subject && JSON.stringify(m.parsed.to).includes('analysts@'))).toHaveLength(1);
    // The alert went out with that digest and is not carried into the next one.
    expect(await new RedisStore(redis, { prefix: PREFIX }).peekDigestAlerts('analysts')).toEqual([]);
  }, 150_000);

  it('sends nothing when a digest collected nothing, unless the receiver asks for it', async () => {
    const queues = openQueues(redis, PREFIX);
    try {
      const toAnalysts = () => smtp.received.filter((m) => m.parsed.text?.includes('Digest watch') && JSON.stringify(m.parsed.to).includes('analysts@'));
      const sentBefore = toAnalysts().length;
      // The analysts' next firing finds nothing collected: the job completes having sent nothing.
      const deadline = Date.now() + 130_000;
      let skipped: unknown;
      while (!skipped && Date.now() < deadline) {
        const done = await queues.digest.getJobs(['completed']);
        skipped = done.find((j) => j.data.receiver === 'analysts' && (j.returnvalue as { sent: string[] } | undefined)?.sent.length === 0);
        if (!skipped) await new Promise((r) => setTimeout(r, 250));
      }
      expect(skipped, 'an analysts digest job that sent nothing').toBeDefined();
      expect(toAnalysts()).toHaveLength(sentBefore);
      // The archive asked for every digest: it gets them, empty as they are.
      const archived = smtp.received.filter((m) => JSON.stringify(m.parsed.to).includes('archive@'));
      expect(archived.length).toBeGreaterThan(0);
      // Source health tells a source never fetched apart from a healthy one.
      expect(archived.map((m) => m.parsed.text ?? '').some((t) => t.includes('1 of 1 sources fine') || t.includes('0 of 1 sources fine; 1 not fetched yet'))).toBe(true);
    } finally {
      await queues.close();
    }
  }, 150_000);
});
