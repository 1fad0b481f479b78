// Issue 12, defect 9: a publisher edits an entry and it alerted again. One source serves entries that alert;
// once each has reached the Slack stand-in, the feed serves them again under the same GUIDs and links with
// their titles edited (still matching their rule): first the edits alone, then each edit beside its
// original, then a second edit beside both. Each entry must alert once: a repeat is a duplicate.
import { openQueues } from '../../src/queue/index.js';
import { rssFeed, type FeedEntry } from '../../test/worker/helpers/feeds.js';
import { spawnWorker } from '../../test/worker/helpers/processes.js';
import { deleteUnder, randomPrefix, REDIS_URL } from '../../test/worker/helpers/redis.js';
import { startServer, type TestServer } from '../../test/helpers/server.js';
import { Redis } from 'ioredis';
import { item, makeBook } from '../lib/book.js';
import { reap } from '../lib/reaper.js';
import { startSlack } from '../lib/receivers.js';
import type { Scenario } from '../lib/scenario.js';
import { sample, seconds, sleep, tally, waitUntil } from '../lib/tally.js';

/** After the last phase, how long to keep watching for a second copy (group_wait and group_interval are 1 s). */
const SETTLE_MS = 6_000;

export const scenario: Scenario = {
  name: 'edited-entry',
  budgetMs: { scaled: 90_000, full: 180_000 },
  async run({ full, deadline, scope, log }) {
    const count = full ? 40 : 8;
    const prefix = randomPrefix('rel');
    const redis = scope.defer('redis client', new Redis(REDIS_URL, { maxRetriesPerRequest: 1 }), (r) => r.disconnect());
    scope.defer(`keys under ${prefix}`, redis, async (r) => void (await deleteUnder(r, prefix)));
    // Three sources, one variant of the edit each, so the variants run side by side; one server each (the
    // fetcher's politeness is per host:port).
    const variants = ['edits alone', 'each edit beside its original', 'a second edit beside both'] as const;
    const ids = variants.map((_, n) => `s${String(n).padStart(4, '0')}`);
    const served = new Map<string, FeedEntry[]>(ids.map((id) => [id, []]));
    const polls = new Map<string, number>(ids.map((id) => [id, 0]));
    const servers: TestServer[] = [];
    for (const id of ids) {
      servers.push(
        scope.defer(
          `feed ${id}`,
          await startServer((req, res) => {
            if (req.url !== '/feed.xml') return void res.writeHead(404).end();
            polls.set(id, polls.get(id)! + 1);
            res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rssFeed(id, served.get(id)!));
          }),
          (s) => s.close(),
        ),
      );
    }
    const slack = scope.defer('Slack stand-in', await startSlack(), (s) => s.close());
    const book = scope.defer(
      'watchbook folder',
      makeBook({
        sources: ids.map((id, n) => ({ id, url: `${servers[n]!.url}/feed.xml`, every: '1s' })),
        rules: count,
        slackUrl: slack.url,
      }),
      (b) => b.remove(),
    );
    const queues = scope.defer('queues', openQueues(redis, prefix), (q) => q.close());

    const at = Date.now() - 3_600_000;
    const originals = new Map(
      ids.map((id) => [id, Array.from({ length: count }, (_, k) => item(id, k, at + k * 1000, { rules: count }))]),
    );
    const edit = (e: FeedEntry, n: number): FeedEntry => ({
      ...e,
      title: `${e.title} (updated ${n}: figures revised, more detail)`,
    });
    const expected = new Set([...originals.values()].flat().map((e) => e.guid));
    for (const id of ids) served.set(id, originals.get(id)!);
    log(
      `${ids.length} sources of ${count} entries, each entry should alert once; then served edited under the same GUID and link: ${variants.join('; ')}`,
    );

    const started = Date.now();
    const worker = spawnWorker('w', { config: book.dir, prefix, redisUrl: REDIS_URL });
    reap(worker.child);
    scope.defer('worker', worker, async (w) => {
      if (!w.exited()) w.child.kill('SIGKILL');
      await w.exit;
    });

    const allIn = await waitUntil(
      () => [...expected].every((id) => slack.firstAt.has(id)),
      Math.min(deadline, Date.now() + 40_000),
      250,
    );
    log(
      `originals: ${slack.firstAt.size} of ${expected.size} alerted in ${seconds(Date.now() - started)} s${allIn ? '' : ' (not all: the edits are served anyway)'}`,
    );

    // Each source serves its variant for two more polls (a source has one fetch at a time: by the second
    // the first has handed its items on), then until no score or delivery job is left.
    const edited = Date.now();
    const before = new Map(ids.map((id) => [id, slack.accepted.filter((g) => g.startsWith(`rel-${id}-`)).length]));
    const from = new Map(polls);
    ids.forEach((id, n) => {
      const o = originals.get(id)!;
      served.set(
        id,
        n === 0
          ? o.map((e) => edit(e, 1))
          : n === 1
            ? o.flatMap((e) => [edit(e, 1), e])
            : o.flatMap((e) => [edit(e, 2), e, edit(e, 1)]),
      );
    });
    await waitUntil(() => ids.every((id) => polls.get(id)! >= from.get(id)! + 2), deadline, 100);
    await waitUntil(
      async () => {
        const counts = await Promise.all(
          [queues.score, queues.deliver].map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'prioritized')),
        );
        return counts.every((c) => Object.values(c).every((n) => n === 0));
      },
      deadline,
      200,
    );
    await sleep(Math.min(SETTLE_MS, deadline - Date.now()));
    ids.forEach((id, n) => {
      const more = slack.accepted.filter((g) => g.startsWith(`rel-${id}-`)).length - before.get(id)!;
      log(
        `${variants[n]} (${id}): ${polls.get(id)! - from.get(id)!} polls in ${seconds(Date.now() - edited)} s, ${more} more alerts at Slack (expected 0)`,
      );
    });

    const t = tally(expected, slack.accepted);
    log(
      `expected ${t.expected} alerts at Slack, each once; saw ${t.processed} distinct, lost ${t.lost} (${sample(t.lostIds)}), duplicated ${t.duplicated} (${sample(t.duplicatedIds)}), unexpected ${t.unexpected}, malformed ${slack.malformed}; worker ${worker.exited() ? `exited ${JSON.stringify(worker.exited())}` : 'running'}`,
    );
    return {
      name: scenario.name,
      expected: t.expected,
      processed: t.processed,
      lost: t.lost,
      duplicated: t.duplicated,
      recovered_s: 0,
      pass: t.lost === 0 && t.duplicated === 0 && t.unexpected === 0 && slack.malformed === 0 && !worker.exited(),
    };
  },
};
