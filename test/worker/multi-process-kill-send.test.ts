import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { IN_DOUBT } from '../../src/pipeline/send-once.js';
import type { DeliverJob } from '../../src/queue/index.js';
import { RedisStore, storeKeys } from '../../src/store/index.js';
import { pairField } from '../../src/store/keys.js';
import { startWebhookServer, type WebhookServer } from '../helpers/slack.js';
import { startSmtpServer, type SmtpTestServer } from '../helpers/smtp.js';
import { makeAlertWatchbookDir } from './helpers/alert-watchbook.js';
import { expectedFor } from './helpers/expected.js';
import { FeedFixture, type FeedEntry } from './helpers/feeds.js';
import {
  killAll,
  logsWith,
  pidOfConnection,
  signalAndWait,
  spawnWorker,
  type WorkerProcess,
} from './helpers/processes.js';
import { deleteUnder, randomPrefix, REDIS_URL, testRedis, until } from './helpers/redis.js';
import { shippedTestItems, type WatchbookDir } from './helpers/watchbook.js';

// A worker SIGKILLed right after a send, before it could record it: the Slack stand-in kills the process
// that sent the message (found by its TCP connection) as the message arrives, so the receiver has it and
// the sender never wrote it down. The other worker picks the job up after BullMQ's stall detection and,
// finding the attempt started and its claim lapsed, does not send again: the channel is recorded as sent
// in doubt, with a warning and a counter. Nothing else is lost: the email of the same notification went
// before and is not resent, the other groups (waiting out a longer group_wait at the kill) arrive once
// each, and a Slack 500 on one of them is retried and delivered, since a failure we saw is not in doubt.

/** The group whose Slack message kills its sender; its route sends it after 1 s, the others after 30 s. */
const TARGET = 'ukraine-polling';

interface SlackArrival {
  indicator: string;
  /** ok: answered 200; killed-sender: arrived, and its sender was killed before the answer; error-500. */
  outcome: 'ok' | 'killed-sender' | 'error-500';
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/** The indicator a Slack notification is about: its header is "Signpost: <group labels> (<n> alerts)". */
function slackIndicator(body: string): string {
  const header =
    (JSON.parse(body) as { blocks: { type: string; text?: { text: string } }[] }).blocks.find(
      (b) => b.type === 'header',
    )?.text?.text ?? '';
  return /^Signpost: (.+?)(?: \([^()]*\))?$/.exec(header)?.[1] ?? header;
}

describe('a worker SIGKILLed right after a send', () => {
  it('is not sent again by the retry: recorded in doubt, warned and counted; every other message arrives once', async () => {
    const prefix = randomPrefix();
    const { positive, negative } = shippedTestItems();
    const now = Date.now();
    const entries: FeedEntry[] = [...positive, ...negative].map((t, i) => ({
      guid: `g${i}`,
      title: t.title,
      ...(t.summary && { summary: t.summary }),
      link: `http://news.example.org/${i}`,
      published: new Date(now - (i + 1) * 60_000),
    }));
    const fixture = await FeedFixture.start([{ id: 'news', entries }]);
    const workers: WorkerProcess[] = [];
    const arrivals: SlackArrival[] = [];
    let killed: WorkerProcess | undefined;
    /** The group whose first Slack message is answered 500: a failure seen, so retried, not in doubt. */
    const plan = { second: '', failedOnce: false };
    const slack: WebhookServer = await startWebhookServer((req, res) => {
      const indicator = slackIndicator(req.body);
      if (indicator === TARGET && !killed) {
        // The message has reached the receiver; its sender dies before it hears back, so it records nothing.
        const pid = pidOfConnection(
          req.clientPort,
          slack.port,
          workers.map((w) => w.pid),
        );
        killed = workers.find((w) => w.pid === pid);
        if (killed) {
          killed.child.kill('SIGKILL');
          arrivals.push({ indicator, outcome: 'killed-sender' });
          return;
        }
      }
      if (indicator === plan.second && !plan.failedOnce) {
        plan.failedOnce = true;
        arrivals.push({ indicator, outcome: 'error-500' });
        return void res.writeHead(500).end('internal error');
      }
      arrivals.push({ indicator, outcome: 'ok' });
      res.writeHead(200).end('ok');
    });
    const smtp: SmtpTestServer = await startSmtpServer();
    const book: WatchbookDir = makeAlertWatchbookDir({
      sources: [{ id: 'news', url: fixture.url('news'), every: '1h' }],
      routes: {
        receiver: 'desk',
        group_by: ['indicator'],
        group_wait: '30s',
        group_interval: '5s',
        repeat_interval: '1h',
        routes: [{ match: { indicator: TARGET }, receiver: 'desk', group_wait: '1s' }],
      },
      receivers: { desk: { email: { to: ['desk@example.org'] }, slack: { webhook: `${slack.url}/hook` } } },
    });
    const expected = await expectedFor(book.dir, new Map([['news', { url: fixture.url('news'), entries }]]));
    const indicatorOf = new Map(expected.watchbook.rules.map((r) => [r.id, r.indicator]));
    const groups = [
      ...new Set([...expected.allEvidence].map((id) => indicatorOf.get(id.slice(id.lastIndexOf('|') + 1))!)),
    ].sort();
    plan.second = groups.find((g) => g !== TARGET) ?? '';
    const redis = testRedis();
    const deliver = new Queue<DeliverJob>('deliver', { connection: redis, prefix });
    cleanup = async () => {
      await killAll(workers);
      await deliver.close();
      await Promise.all([fixture.close(), smtp.close(), slack.close()]);
      book.remove();
      await deleteUnder(redis, prefix);
      redis.disconnect();
    };
    expect(groups).toContain(TARGET);
    expect(groups.length).toBeGreaterThanOrEqual(3);

    const env = { SMTP_URL: smtp.url, SMTP_FROM: 'Signpost <signpost@example.org>' };
    for (const name of ['a', 'b'])
      workers.push(spawnWorker(name, { config: book.dir, prefix, redisUrl: REDIS_URL, env }));

    // The target's Slack message kills its sender; the others are still waiting out their group_wait.
    const victim = await until(
      'the first Slack message of the target group, and its sender killed',
      () => killed,
      60_000,
      {
        describe: () =>
          `Slack saw ${JSON.stringify(arrivals)}; logs: ${workers.map((w) => w.text.slice(-3).join(' | ')).join(' / ')}`,
      },
    );
    expect(await victim.exit).toEqual({ code: null, signal: 'SIGKILL' });
    const survivor = workers.find((w) => w !== victim)!;
    const emailsAtKill = smtp.received.length;

    // Stall detection (up to a minute), then the claim's lapse (a minute after it was taken): the survivor
    // retries, skips the email recorded before, and finds the Slack send in doubt.
    const warned = await until(
      'the survivor to find the Slack send in doubt',
      () => logsWith(survivor, IN_DOUBT)[0],
      180_000,
      {
        intervalMs: 250,
        describe: () =>
          `survivor logs: ${survivor.logs
            .slice(-5)
            .map((l) => l.msg)
            .join(' | ')}`,
      },
    );
    await until(
      'every delivery job to finish',
      async () => {
        const c = await deliver.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
        return (c.completed ?? 0) + (c.failed ?? 0) >= groups.length &&
          (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) === 0
          ? true
          : undefined;
      },
      90_000,
      { intervalMs: 250 },
    );
    // A few more ticks: nothing else goes out.
    await new Promise((r) => setTimeout(r, 11_000));

    const jobs = await deliver.getJobs(['completed', 'failed']);
    const target = jobs.find((j) => j.data.notification.groupLabels.indicator === TARGET)!.data.notification;
    expect(warned).toMatchObject({ receiver: 'desk', channel: 'slack', notification: target.id, level: 40 });
    expect(logsWith(survivor, IN_DOUBT)).toHaveLength(1);
    expect(await deliver.getJobCounts('completed', 'failed')).toEqual({ completed: groups.length, failed: 0 });

    // The in-doubt record names the attempt of the killed worker; the counter tells on-call.
    const keys = storeKeys(prefix);
    const record = JSON.parse((await redis.hget(keys.sent, pairField('desk#slack', target.id))) ?? '{}') as {
      inDoubt?: { owner: string };
    };
    expect(record.inDoubt?.owner.startsWith(`${victim.pid}:`)).toBe(true);
    const counters = await new RedisStore(redis, { prefix }).counters();
    const count = (labels: Record<string, string>) =>
      counters
        .filter(
          (c) =>
            c.name === 'signpost_notifications_total' && Object.entries(labels).every(([k, v]) => c.labels[k] === v),
        )
        .reduce((n, c) => n + c.value, 0);
    expect(count({ result: 'in-doubt' })).toBe(1);
    expect(count({ channel: 'slack', result: 'in-doubt', receiver: 'desk' })).toBe(1);
    expect(count({ channel: 'slack', result: 'failed', reason: 'http-5xx' })).toBe(1);
    // Counted at the send, not at the end of the job: the killed worker's email, sent and recorded before its
    // Slack message, is counted, and the survivor's retry, finding it recorded, does not count it again.
    expect(count({ channel: 'email', result: 'sent' })).toBe(groups.length);

    // Per group and channel, exactly one message reached the receiver.
    const slackBy = (indicator: string, outcome?: SlackArrival['outcome']) =>
      arrivals.filter((a) => a.indicator === indicator && (!outcome || a.outcome === outcome)).length;
    // An email names its notification (X-Signpost-Id), and so its group; its Message-ID is derived from it.
    const groupOf = new Map(jobs.map((j) => [j.data.notification.id, j.data.notification.groupLabels.indicator]));
    const emailGroups = smtp.received.map((m) => groupOf.get(m.parsed.headers.get('x-signpost-id') as string));
    const emailIds = smtp.received.map((m) => m.parsed.messageId ?? '');
    const emailsOf = (indicator: string) => emailGroups.filter((g) => g === indicator).length;
    const delivered = { email: smtp.received.length, slack: arrivals.filter((a) => a.outcome !== 'error-500').length };
    const duplicated =
      groups.reduce(
        (n, g) => n + Math.max(0, emailsOf(g) - 1) + Math.max(0, slackBy(g) - slackBy(g, 'error-500') - 1),
        0,
      ) +
      (emailIds.length - new Set(emailIds).size);
    console.info(
      `multi-process-kill-send: ${groups.length} groups (${expected.allEvidence.size} alerts) x 2 channels = ${2 * groups.length} messages expected; ` +
        `delivered ${delivered.email + delivered.slack} (email ${delivered.email}, Slack ${delivered.slack}, one of them the Slack message whose sender was killed on arrival); ` +
        `duplicated ${duplicated}; in doubt 1 (${TARGET} on Slack), found by worker ${survivor.name} after worker ${victim.name} was killed; ` +
        `${emailsAtKill} email(s) had gone at the kill; a Slack 500 on ${plan.second} retried and delivered once`,
    );
    expect(slackBy(TARGET)).toBe(1);
    expect(slackBy(TARGET, 'killed-sender')).toBe(1);
    expect(slackBy(plan.second, 'error-500')).toBe(1);
    for (const g of groups) {
      expect(emailsOf(g), `emails about ${g}`).toBe(1);
      expect(slackBy(g) - slackBy(g, 'error-500'), `Slack messages about ${g}`).toBe(1);
    }
    expect(new Set(emailIds).size).toBe(groups.length);
    expect(delivered).toEqual({ email: groups.length, slack: groups.length });
    expect(duplicated).toBe(0);
    expect(emailsAtKill).toBe(1); // the target's email went before its Slack message, and was not sent again
    expect(await signalAndWait(survivor, 'SIGTERM', 25_000)).toMatchObject({ code: 0, signal: null });
  }, 300_000);
});
