// Issue 12, defect 4: one source with a huge feed held a worker in one score job past its lock and its
// SIGTERM. One source serves 20,000 small items (full: 100,000), one in 2,000 of them alerting. Worker a
// fetches it; once the first score job is done it is sent SIGTERM, and must exit within its 20 s grace
// (an active score job of 1,000 items ends well inside it). Worker b takes over the rest. Every item must be
// scored once (the score jobs' `fresh` summing to the count, every key in the seen set), the alerting items
// must reach Slack once each, and b too must stop on SIGTERM within the grace. recovered_s: from the fetch
// to the last score job done.
import { Redis } from 'ioredis';
import type { Job } from 'bullmq';
import { openQueues } from '../../src/queue/index.js';
import { startServer } from '../../test/helpers/server.js';
import { signalAndWait, spawnWorker, type WorkerProcess } from '../../test/worker/helpers/processes.js';
import { deleteUnder, randomPrefix, REDIS_URL } from '../../test/worker/helpers/redis.js';
import { makeBook, marker } from '../lib/book.js';
import { reap } from '../lib/reaper.js';
import { startSlack } from '../lib/receivers.js';
import type { Scenario } from '../lib/scenario.js';
import { sample, seconds, sleep, tally, waitUntil } from '../lib/tally.js';

/** The worker's shutdown grace (jobs/worker.ts): what a SIGTERM may take at most. */
const GRACE_MS = 20_000;
const ALERT_EVERY = 2_000;

export const scenario: Scenario = {
  name: 'huge-feed',
  budgetMs: { scaled: 120_000, full: 420_000 },
  async run({ full, deadline, scope, log }) {
    const count = full ? 100_000 : 20_000;
    const prefix = randomPrefix('rel');
    const redis = scope.defer('redis client', new Redis(REDIS_URL, { maxRetriesPerRequest: 1 }), (r) => r.disconnect());
    scope.defer(`keys under ${prefix}`, redis, async (r) => void (await deleteUnder(r, prefix)));
    // Small items (no date, no link), so 100,000 stay under the fetcher's 10 MiB cap.
    // Each alerting item matches a rule of its own, so it alerts in a group (and a Slack message) of its own.
    // An alerting item's id is what the Slack stand-in reads (rel-sNNNN-<letters>NNNN); the quiet ones never reach it.
    const guid = (n: number) =>
      n % ALERT_EVERY === 0
        ? `rel-s0000-alert${String(n / ALERT_EVERY).padStart(4, '0')}`
        : `rel-s0000-q${String(n).padStart(6, '0')}`;
    const alerting: string[] = [];
    const items: string[] = [];
    for (let n = 0; n < count; n++) {
      const alerts = n % ALERT_EVERY === 0;
      if (alerts) alerting.push(guid(n));
      // A quiet item's title is short (its GUID keys it): 100,000 of them come to about 8 MiB.
      items.push(
        `<item><guid isPermaLink="false">${guid(n)}</guid><title>${alerts ? `${guid(n)} bulletin ${marker(n / ALERT_EVERY)}` : `weather ${n % 97}`}</title></item>`,
      );
    }
    const body = `<?xml version="1.0"?><rss version="2.0"><channel><title>huge</title>${items.join('\n')}</channel></rss>`;
    if (body.length >= 10 * 1024 * 1024)
      throw new Error(`the feed is ${body.length} bytes, over the fetcher's 10 MiB cap`);
    const fetches: number[] = [];
    const feed = scope.defer(
      'feed',
      await startServer((req, res) => {
        if (req.url !== '/feed.xml') return void res.writeHead(404).end();
        fetches.push(Date.now());
        res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body);
      }),
      (s) => s.close(),
    );
    const slack = scope.defer('Slack stand-in', await startSlack(), (s) => s.close());
    const book = scope.defer(
      'watchbook folder',
      makeBook({
        sources: [{ id: 's0000', url: `${feed.url}/feed.xml`, every: '1h' }],
        rules: Math.ceil(count / ALERT_EVERY),
        slackUrl: slack.url,
      }),
      (b) => b.remove(),
    );
    const queues = scope.defer('queues', openQueues(redis, prefix), (q) => q.close());
    const workers: WorkerProcess[] = [];
    scope.defer('workers', workers, async (ws) => {
      for (const w of ws) if (!w.exited()) w.child.kill('SIGKILL');
      await Promise.all(ws.map((w) => w.exit));
    });
    const spawn = (name: string) => {
      const w = spawnWorker(name, { config: book.dir, prefix, redisUrl: REDIS_URL });
      reap(w.child);
      workers.push(w);
      return w;
    };
    log(
      `one source, ${count} items (${(body.length / 1048576).toFixed(1)} MiB), ${alerting.length} of them alerting; SIGTERM to worker a after its first score job, worker b finishes; expect each item scored once, each alert once, each stop within ${GRACE_MS / 1000} s`,
    );

    const a = spawn('a');
    const completed = async (): Promise<Job[]> => (await queues.score.getJobs(['completed'], 0, -1)) as Job[];
    await waitUntil(
      async () => (await queues.score.getJobCountByTypes('completed')) > 0 || a.exited() !== undefined,
      Math.min(deadline, Date.now() + 60_000),
      100,
    );
    const [active, waiting] = [await queues.score.getActiveCount(), await queues.score.getWaitingCount()];
    const stopA = await signalAndWait(a, 'SIGTERM', GRACE_MS + 10_000).catch((e: Error) => ({
      code: null,
      signal: null,
      ms: Infinity,
      error: e.message,
    }));
    log(`worker a: SIGTERM with ${active} score job(s) active and ${waiting} waiting; exited ${JSON.stringify(stopA)}`);

    const b = spawn('b');
    const batches = Math.ceil(count / 1000);
    await waitUntil(
      async () =>
        (await queues.score.getJobCountByTypes('completed')) >= batches &&
        (await queues.score.getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized')) === 0,
      deadline,
      250,
    );
    await waitUntil(() => alerting.every((id) => slack.firstAt.has(id)), Math.min(deadline, Date.now() + 20_000), 250);
    await sleep(Math.min(3_000, deadline - Date.now()));

    const done = await completed();
    const sizes = done.map((j) => (j.data as { items: unknown[] }).items.length);
    const fresh = done.reduce((n, j) => n + ((j.returnvalue as { fresh?: number } | null)?.fresh ?? 0), 0);
    const seen = await redis.zcard(`${prefix}:seen`);
    const failed = await queues.score.getJobCountByTypes('failed');
    const lastDone = Math.max(0, ...done.map((j) => j.finishedOn ?? 0));
    log(
      `score jobs: ${done.length} completed (${batches} expected), largest ${Math.max(0, ...sizes)} items, ${sizes.reduce((x, y) => x + y, 0)} items in all, ${failed} failed; fresh ${fresh} (expected ${count}); seen set ${seen} keys (expected ${count}); feed fetched ${fetches.length} time(s)`,
    );
    const stopB = await signalAndWait(b, 'SIGTERM', GRACE_MS + 10_000).catch((e: Error) => ({
      code: null,
      signal: null,
      ms: Infinity,
      error: e.message,
    }));
    log(`worker b: SIGTERM when idle; exited ${JSON.stringify(stopB)}`);
    const t = tally(alerting, slack.accepted);
    log(
      `alerts: expected ${t.expected} at Slack, each once; saw ${t.processed}, lost ${t.lost} (${sample(t.lostIds)}), duplicated ${t.duplicated} (${sample(t.duplicatedIds)}), unexpected ${t.unexpected}`,
    );
    const stopped = (s: { code: number | null; ms: number }) => s.code === 0 && s.ms <= GRACE_MS + 2_000;
    const scoredOnce = fresh === count && seen === count && Math.max(0, ...sizes) <= 1000;
    return {
      name: scenario.name,
      expected: count,
      processed: Math.min(fresh, seen),
      lost: Math.max(0, count - seen),
      duplicated: Math.max(0, fresh - count) + t.duplicated,
      recovered_s: fetches[0] && lastDone ? seconds(lastDone - fetches[0]) : 0,
      pass: scoredOnce && t.lost === 0 && t.duplicated === 0 && t.unexpected === 0 && stopped(stopA) && stopped(stopB),
    };
  },
};
