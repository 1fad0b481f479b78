import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startWorker, type RunningWorker } from '../../jobs/worker.js';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import { DELIVER_ATTEMPTS, type DeliverJob } from '../../src/queue/index.js';
import { RedisStore } from '../../src/store/index.js';
import { startServer } from '../helpers/server.js';
import { startWebhookServer } from '../helpers/slack.js';
import { smtpReply, startSmtpServer } from '../helpers/smtp.js';
import { makeAlertWatchbookDir } from './helpers/alert-watchbook.js';
import { expectedFor } from './helpers/expected.js';
import { type FeedEntry, rssFeed } from './helpers/feeds.js';
import { deleteUnder, randomPrefix, REDIS_URL, until } from './helpers/redis.js';
import { shippedTestItems } from './helpers/watchbook.js';

// The SMTP server down for a full minute (421 to every RCPT), with alert groups for every indicator pending,
// then back: every email arrives exactly once (by Message-ID and by subject), Slack's once too, and the
// delivery backoff (queues.ts deliverBackoff) rides the minute out without giving up.
//
// The alerts come 15 s into the outage, their first attempts a second or three later. A job's attempts
// start at 0, 2, 6, 14, 30, 62 s (each wait ×0.75 to ×1.25): its fifth (22.5 to 37.5 s after its first)
// then falls inside the outage and its sixth (46.5 to 77.5 s) after it. Had a job begun with the outage, its
// sixth attempt could fall inside too and its seventh come 94 to 158 s after the first, and this test would
// run for up to three minutes; test/queue/queues.test.ts checks the schedule against that case.

const OUTAGE_MS = 60_000;
const ALERTS_AFTER_MS = 15_000;

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('an SMTP outage of a minute', () => {
  it('delivers every alert group once the server is back, by email and Slack, none twice, without giving up', async () => {
    const prefix = randomPrefix();
    const { positive } = shippedTestItems();
    const now = Date.now();
    const entries: FeedEntry[] = positive.map((t, i) => ({
      guid: `p${i}`,
      title: t.title,
      ...(t.summary && { summary: t.summary }),
      link: `http://news.example.org/${i}`,
      published: new Date(now - (i + 1) * 60_000),
    }));
    // Before the alerts, the feed carries one item no rule matches (an empty feed would count as failing).
    const filler: FeedEntry = {
      guid: 'weather',
      title: 'Kyiv weather: light snow expected on Tuesday',
      link: 'http://news.example.org/weather',
      published: new Date(now - 30_000),
    };
    let outageFrom = Infinity;
    const down = () => Date.now() >= outageFrom && Date.now() < outageFrom + OUTAGE_MS;
    const refused: number[] = [];
    const feed = await startServer((req, res) => {
      if (req.url !== '/feed.xml') return void res.writeHead(404).end();
      // Nothing to report until the outage has gone on for a while; then every item at once.
      const shown = Date.now() >= outageFrom + ALERTS_AFTER_MS ? [filler, ...entries] : [filler];
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(rssFeed('news', shown));
    });
    const smtp = await startSmtpServer({
      onRcptTo: (_address, _session, callback) => {
        if (!down()) return callback();
        refused.push(Date.now());
        callback(smtpReply(421, 'Service not available, try again later'));
      },
    });
    const slack = await startWebhookServer((_req, res) => void res.writeHead(200).end('ok'));
    const book = makeAlertWatchbookDir({
      sources: [{ id: 'news', url: `${feed.url}/feed.xml`, every: '1s' }],
      routes: {
        receiver: 'desk',
        group_by: ['indicator'],
        group_wait: '1s',
        group_interval: '2s',
        repeat_interval: '1h',
      },
      receivers: { desk: { email: { to: ['desk@example.org'] }, slack: { webhook: `${slack.url}/hook` } } },
    });
    const expected = await expectedFor(
      book.dir,
      new Map([['news', { url: `${feed.url}/feed.xml`, entries: [filler, ...entries] }]]),
    );
    expect(
      (await expectedFor(book.dir, new Map([['news', { url: `${feed.url}/feed.xml`, entries: [filler] }]]))).allEvidence
        .size,
    ).toBe(0);
    const indicatorOf = new Map(expected.watchbook.rules.map((r) => [r.id, r.indicator]));
    const groups = [
      ...new Set([...expected.allEvidence].map((id) => indicatorOf.get(id.slice(id.lastIndexOf('|') + 1))!)),
    ].sort();
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const deliver = new Queue<DeliverJob>('deliver', { connection: redis, prefix });
    const running: { worker?: RunningWorker } = {};
    cleanup = async () => {
      await running.worker?.stop();
      delete process.env.SMTP_URL;
      delete process.env.SMTP_FROM;
      await deliver.close();
      await Promise.all([feed.close(), smtp.close(), slack.close()]);
      book.remove();
      await deleteUnder(redis, prefix);
      redis.disconnect();
    };
    expect(groups.length).toBeGreaterThanOrEqual(3);

    process.env.SMTP_URL = smtp.url;
    process.env.SMTP_FROM = 'Signpost <signpost@example.org>';
    outageFrom = Date.now();
    running.worker = await startWorker({
      configPath: book.dir,
      watchbook: loadWatchbookOrThrow(book.dir),
      redisUrl: REDIS_URL,
      prefix,
      tickMs: 1_000,
      minDelayMs: 0,
      log: pino({ level: 'silent' }),
      shutdownGraceMs: 5_000,
      reload: false,
    });

    // Slack is not down: one message per group while the email waits.
    await until('a Slack message per group', () => (slack.requests.length >= groups.length ? true : undefined), 30_000);
    expect(smtp.received).toHaveLength(0);
    await until(
      'the outage to end',
      () => (Date.now() >= outageFrom + OUTAGE_MS ? true : undefined),
      OUTAGE_MS + 5_000,
      { intervalMs: 500 },
    );
    expect(smtp.received).toHaveLength(0);
    await until('an email per group', () => (smtp.received.length >= groups.length ? true : undefined), 60_000, {
      intervalMs: 250,
      describe: () => `${smtp.received.length} of ${groups.length} emails, ${refused.length} RCPTs refused`,
    });
    await until(
      'every delivery job to finish',
      async () => {
        const c = await deliver.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
        return (c.completed ?? 0) + (c.failed ?? 0) >= groups.length &&
          (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0
          ? true
          : undefined;
      },
      30_000,
      { intervalMs: 250 },
    );
    const back = Date.now() - (outageFrom + OUTAGE_MS);
    // A few more ticks: nothing more goes out.
    await new Promise((r) => setTimeout(r, 4_000));

    const jobs = await deliver.getJobs(['completed', 'failed']);
    const attempts = jobs.map((j) => j.attemptsMade);
    const subjects = smtp.received.map((m) => m.parsed.subject ?? '');
    const messageIds = smtp.received.map((m) => m.parsed.messageId ?? '');
    const notificationIds = smtp.received.map((m) => m.parsed.headers.get('x-signpost-id') as string);
    const duplicated = {
      email: messageIds.length - new Set(messageIds).size,
      subject: subjects.length - new Set(subjects).size,
      slack: slack.requests.length - groups.length,
    };
    const firstRefused = Math.min(...refused) - outageFrom;
    console.info(
      `smtp-outage: ${groups.length} groups (${expected.allEvidence.size} alerts) pending through a ${OUTAGE_MS / 1000} s outage (alerts from ${ALERTS_AFTER_MS / 1000} s in, first RCPT refused at ${(firstRefused / 1000).toFixed(1)} s, ${refused.length} refused); ` +
        `emails expected ${groups.length}, delivered ${smtp.received.length}, duplicated ${duplicated.email} by Message-ID and ${duplicated.subject} by subject; ` +
        `Slack expected ${groups.length}, delivered ${slack.requests.length}, duplicated ${Math.max(0, duplicated.slack)}; ` +
        `attempts per delivery ${Math.min(...attempts)} to ${Math.max(...attempts)} of ${DELIVER_ATTEMPTS}; all delivered ${(back / 1000).toFixed(1)} s after the server came back`,
    );
    expect(await deliver.getJobCounts('completed', 'failed')).toEqual({ completed: groups.length, failed: 0 });
    expect(smtp.received).toHaveLength(groups.length);
    expect(new Set(messageIds).size).toBe(groups.length);
    expect(new Set(subjects).size).toBe(groups.length);
    expect(new Set(notificationIds)).toEqual(new Set(jobs.map((j) => j.data.notification.id)));
    for (const g of groups) {
      expect(
        jobs.filter((j) => j.data.notification.groupLabels.indicator === g),
        `deliveries for ${g}`,
      ).toHaveLength(1);
      expect(
        subjects.filter((s) => s.startsWith(`[Signpost] ${g}: `)),
        `emails about ${g}`,
      ).toHaveLength(1);
    }
    expect(slack.requests).toHaveLength(groups.length);
    // Every alert is in a delivered email; each group's email was refused four or five times first, and never
    // for good.
    const delivered = new Set(jobs.flatMap((j) => j.data.notification.alerts.map((a) => a.id)));
    expect(delivered).toEqual(new Set([...expected.allEvidence].map((id) => `match:${id}`)));
    const counters = await new RedisStore(redis, { prefix }).counters();
    const notifications = counters.filter((c) => c.name === 'signpost_notifications_total');
    const failed = notifications.filter((c) => c.labels.result === 'failed');
    expect(failed.map((c) => `${c.labels.channel} ${c.labels.reason}`)).toEqual(['email smtp-4xx']);
    expect(failed[0]!.value).toBeGreaterThanOrEqual(4 * groups.length);
    expect(failed[0]!.value).toBeLessThanOrEqual(5 * groups.length);
    expect(notifications.filter((c) => c.labels.result === 'sent').map((c) => [c.labels.channel, c.value])).toEqual([
      ['email', groups.length],
      ['slack', groups.length],
    ]);
    expect(Math.max(...attempts)).toBeLessThanOrEqual(7);
  }, 150_000);
});
