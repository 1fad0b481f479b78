import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type RunningWorker } from '../../jobs/worker.js';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import { openQueues } from '../../src/queue/index.js';
import { FeedbackStore, RedisStore } from '../../src/store/index.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { deleteUnder, until } from './helpers/redis.js';
import { startSmtpServer, type SmtpTestServer } from '../helpers/smtp.js';

// A digest receiver collects its alerts and sends one message when its schedule fires (here every minute):
// the picture with its change and trend picture, every event once in the order it was published (an item
// several rules matched once), links to each item and to the overview, each indicator, source health.

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `{test-digest-${process.pid}-${Date.now()}}`;
const HEADLINE = 'Razumkov poll: most Ukrainians reject ceding Donbas for peace';
// Served newest first, out of publication order. The second is matched by two rules of two indicators, the
// third by three rules of one; the three are events of three indicators, with no report in common.
const HOUR = 3_600_000;
const PUBLISHED = Date.now();
const ITEMS = [
  { guid: 'd-1', title: HEADLINE, hoursAgo: 1 },
  { guid: 'd-2', title: 'Putin says Russia will take all of Donbas militarily or otherwise', hoursAgo: 5 },
  { guid: 'd-3', title: 'Blogger claims Moscow and Kyiv may have agreed an energy ceasefire', hoursAgo: 3 },
];
const OVERVIEW = 'https://signpost.example.org/desk/';
const feedXml = ITEMS.map(
  (i) =>
    `<item><guid>${i.guid}</guid><title>${i.title}</title><link>https://news.example/${i.guid}</link><pubDate>${new Date(PUBLISHED - i.hoursAgo * HOUR).toUTCString()}</pubDate></item>`,
).join('');

let feeds: TestServer;
let smtp: SmtpTestServer;
let redis: Redis;
let worker: RunningWorker;
let dir: string;

beforeAll(async () => {
  feeds = await startServer((_req, res) => {
    res
      .writeHead(200, { 'content-type': 'application/rss+xml' })
      .end(`<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>${feedXml}</channel></rss>`);
  });
  smtp = await startSmtpServer();
  dir = mkdtempSync(join(tmpdir(), 'signpost-digest-'));
  cpSync(new URL('../../config/rules', import.meta.url).pathname, join(dir, 'rules'), { recursive: true });
  writeFileSync(
    join(dir, 'watchbook.yaml'),
    [
      'version: 1',
      `watch: { id: test, title: "Digest watch", allow_private: true, public_url: "${OVERVIEW}" }`,
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
      ].map((i) => `  ${i}: { title: "Indicator ${i}" }`),
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
  // Five analysts judged one rule: one found it useful, four noise. The digest names it for the admins.
  const feedback = new FeedbackStore(redis, { prefix: PREFIX });
  for (const [n, verdict] of (['useful', 'noise', 'noise', 'noise', 'noise'] as const).entries()) {
    const item = { key: `judged-${n}`, source: 'wire', title: `Judged ${n}`, publishedAt: Date.now() };
    await feedback.judge({
      verdict,
      user: `analyst-${n}`,
      at: Date.now(),
      item,
      indicator: 'ukraine-polling',
      evidence: `judged-${n}|noisy-rule`,
      rule: 'noisy-rule',
    });
  }
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
  await deleteUnder(redis, PREFIX);
  redis.disconnect();
  await Promise.all([feeds.close(), smtp.close()]);
  rmSync(dir, { recursive: true, force: true });
});

/** A completed digest job of the analysts whose count of alerts sent passes `sent`; waits up to timeoutMs. */
function analystsDigestDone(
  queues: ReturnType<typeof openQueues>,
  what: string,
  sent: (count: number) => boolean,
  timeoutMs: number,
) {
  return until(
    `a completed analysts digest job ${what}`,
    async () =>
      (await queues.digest.getJobs(['completed'])).find((j) => {
        const count = (j.returnvalue as { sent?: string[] } | undefined)?.sent?.length;
        return j.data.receiver === 'analysts' && count !== undefined && sent(count);
      }),
    timeoutMs,
    { intervalMs: 100 },
  );
}

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
    expect(mail!.parsed.text).toContain('Rules flagged by feedback\n  noisy-rule: 20% useful over 5 judgements');
    // Every event once, by publication: the one published five hours ago first, though the feed served it second.
    const text = mail!.parsed.text!;
    const order = [ITEMS[1]!, ITEMS[2]!, ITEMS[0]!].map((i) => text.indexOf(i.title));
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    for (const i of ITEMS) expect(text.split(i.title), `${i.title} once`).toHaveLength(2);
    expect(text).toContain('Events (3, in the order they came)');
    expect(text).toMatch(/rules territorial-hardline, russia-vows-force|rules russia-vows-force, territorial-hardline/);
    // Links: each item, and the overview once at the top and once for each event.
    for (const i of ITEMS) expect(text).toContain(`https://news.example/${i.guid}`);
    expect(text.split(OVERVIEW)).toHaveLength(1 + 1 + ITEMS.length);
    const html = String(mail!.parsed.html);
    expect(html).toContain(`<a href="${OVERVIEW}">Open the overview</a>`);
    expect(html).toContain('<a href="https://news.example/d-2">open the item</a>');
    // The trend pictures travel inside the message, shown by the Content-ID the HTML names.
    const pictures = mail!.parsed.attachments.filter((a) => a.contentType === 'image/png');
    expect(pictures.length).toBeGreaterThan(0);
    for (const p of pictures) {
      expect(p.contentDisposition).toBe('inline');
      expect(p.content.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(mail!.raw).toContain(`Content-ID: <${p.cid!}>`);
    }
    expect(
      smtp.received.filter(
        (m) => m.parsed.subject === mail!.parsed.subject && JSON.stringify(m.parsed.to).includes('analysts@'),
      ),
    ).toHaveLength(1);
    // The alert went out with that digest and is not carried into the next one. The job clears what it sent
    // after the mail is accepted: wait for the job, not for the mail.
    const queues = openQueues(redis, PREFIX);
    try {
      await analystsDigestDone(queues, 'that sent the mail', (sent) => sent > 0, 30_000);
    } finally {
      await queues.close();
    }
    expect(await new RedisStore(redis, { prefix: PREFIX }).peekDigestAlerts('analysts')).toEqual([]);
  }, 150_000);

  it('sends nothing when a digest collected nothing, unless the receiver asks for it', async () => {
    const queues = openQueues(redis, PREFIX);
    try {
      const toAnalysts = () =>
        smtp.received.filter(
          (m) => m.parsed.text?.includes('Digest watch') && JSON.stringify(m.parsed.to).includes('analysts@'),
        );
      const sentBefore = toAnalysts().length;
      // The analysts' next firing finds nothing collected: the job completes having sent nothing.
      await analystsDigestDone(queues, 'that sent nothing', (sent) => sent === 0, 130_000);
      expect(toAnalysts()).toHaveLength(sentBefore);
      // The archive asked for every digest: it gets them, empty as they are.
      const archived = smtp.received.filter((m) => JSON.stringify(m.parsed.to).includes('archive@'));
      expect(archived.length).toBeGreaterThan(0);
      // Source health tells a source never fetched apart from a healthy one.
      expect(
        archived
          .map((m) => m.parsed.text ?? '')
          .some((t) => t.includes('1 of 1 sources fine') || t.includes('0 of 1 sources fine; 1 not fetched yet')),
      ).toBe(true);
    } finally {
      await queues.close();
    }
  }, 150_000);
});
