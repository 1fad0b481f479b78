// Receivers failing: the SMTP stand-in down (nothing listening) for a while; the Slack stand-in answering
// 429 with Retry-After for the first third of it, 500 for the second, then 200. Items alert meanwhile, to
// a desk with email and Slack. Every notification (item x channel) must arrive once after recovery: by
// item id on each channel, and by Message-ID for email.
import type { Scenario } from '../lib/scenario.js';
import { sample, seconds, sleep, tally, waitUntil } from '../lib/tally.js';
import { started, startWorld } from '../lib/world.js';

const SETTLE_MS = 10_000;

export const scenario: Scenario = {
  name: 'smtp-down-slack-429-500',
  budgetMs: { scaled: 240_000, full: 360_000 },
  async run({ full, deadline, scope, log }) {
    const size = full
      ? { sources: 10, perSource: 8, outageMs: 60_000 }
      : { sources: 5, perSource: 8, outageMs: 15_000 };
    const world = await startWorld({ sources: size.sources, every: '1s', rules: size.perSource, email: true }, scope);
    const smtp = world.smtp!;
    const worker = world.spawn('w');
    await waitUntil(() => started(worker), Math.min(deadline, Date.now() + 30_000));
    await smtp.stop();
    world.slack.mode = { status: 429, retryAfterS: 2 };
    const faultStart = Date.now();
    const alerts = world.publish(size.perSource, faultStart, (size.outageMs * 0.5) / size.perSource);
    log(
      `SMTP down and Slack answering 429 (Retry-After 2); ${alerts.size} alerts x 2 channels expected over a ${size.outageMs / 1000} s outage`,
    );
    // Each phase lasts its third of the outage, and at least until Slack has given its answer twice.
    const phase = async (status: number, until: number): Promise<void> => {
      await sleep(until - Date.now());
      await waitUntil(() => (world.slack.answers.get(status) ?? 0) >= 2, deadline, 100);
    };
    await phase(429, faultStart + size.outageMs / 3);
    world.slack.mode = { status: 500 };
    log(`Slack answering 500 (${world.slack.answers.get(429) ?? 0} answered 429 so far)`);
    await phase(500, faultStart + (2 * size.outageMs) / 3);
    world.slack.mode = { status: 200 };
    const slackBack = Date.now();
    log(`Slack answering 200 (${world.slack.answers.get(500) ?? 0} answered 500)`);
    await sleep(Math.max(faultStart + size.outageMs, slackBack + 2_000) - Date.now());
    await smtp.start();
    const faultEnd = Date.now();
    log(`SMTP back on its port after ${seconds(faultEnd - faultStart)} s`);

    const arrived = () => [...alerts].every((id) => world.slack.firstAt.has(id) && smtp.firstAt.has(id));
    await waitUntil(arrived, deadline, 250);
    await sleep(Math.min(SETTLE_MS, deadline - Date.now()));
    const slack = tally(alerts, world.slack.accepted);
    const email = tally(alerts, smtp.accepted);
    const messageIdRepeats = smtp.messageIds.length - new Set(smtp.messageIds).size;
    const firstEmail = [...smtp.firstAt.values()].sort((x, y) => x - y)[0];
    const firstSlack = [...world.slack.firstAt.values()].sort((x, y) => x - y)[0];
    log(
      `expected ${alerts.size} Slack messages and ${alerts.size} emails, each once; Slack: ${slack.processed} distinct, lost ${slack.lost} (${sample(slack.lostIds)}), duplicated ${slack.duplicated} (${sample(slack.duplicatedIds)}); email: ${email.processed} distinct, lost ${email.lost} (${sample(email.lostIds)}), duplicated ${email.duplicated} (${sample(email.duplicatedIds)}), Message-ID repeats ${messageIdRepeats}`,
    );
    log(
      `first Slack message ${firstSlack ? `${seconds(firstSlack - slackBack)} s after Slack recovered` : 'never came'}; first email ${firstEmail ? `${seconds(firstEmail - faultEnd)} s after SMTP came back` : 'never came'}; worker warnings: ${world.complaints()}`,
    );
    const alive = !worker.exited();
    const lost = slack.lost + email.lost;
    const duplicated = slack.duplicated + email.duplicated + messageIdRepeats;
    return {
      name: scenario.name,
      expected: 2 * alerts.size,
      processed: slack.processed + email.processed,
      lost,
      duplicated,
      recovered_s: firstEmail === undefined ? 0 : seconds(firstEmail - faultEnd),
      pass: alive && lost === 0 && duplicated === 0 && slack.unexpected + email.unexpected === 0,
    };
  },
};
