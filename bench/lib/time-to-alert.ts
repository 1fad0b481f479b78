// Time to alert: from the end of the fetch that brought an urgent item to the Slack stand-in receiving it.
// Loopback feeds (one server per source, ETag and 304) publish items over time, each matching a rule of its
// own (the reliability watchbook's rules: item k matches rule k) and routed to the desk grouped by every
// label with `group_wait: 0s`, so every item is a group and a message of its own. A feed server notes when
// it finished sending the first response that carried an item; the stand-in notes when the message naming
// it arrived. The worker processes run as shipped (the tick every 5 s, 1 s between requests to one host).
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { idsIn, item, rulesText, sourceId } from '../../reliability/lib/book.js';
import type { TimedEntry } from '../../reliability/lib/feeds.js';
import { startServer, type TestServer } from '../../test/helpers/server.js';
import { startWebhookServer } from '../../test/helpers/slack.js';
import { rssFeed } from '../../test/worker/helpers/feeds.js';
import {
  killAll,
  logsWith,
  signalAndWait,
  spawnWorker,
  type WorkerProcess,
} from '../../test/worker/helpers/processes.js';
import { deleteUnder, randomPrefix, REDIS_URL } from '../../test/worker/helpers/redis.js';
import { log, percentile, sleep } from './common.js';

export interface TimeToAlert {
  alerts: number;
  delivered: number;
  p50: number;
  p95: number;
  p99: number;
}

interface Feed {
  server: TestServer;
  entries: TimedEntry[];
}

export async function timeToAlert(
  redis: Redis,
  opts: { sources: number; alerts: number; spacingMs: number; processes: number; timeoutMs: number },
): Promise<TimeToAlert> {
  const fetchedAt = new Map<string, number>();
  const arrivedAt = new Map<string, number>();
  const feeds = new Map<string, Feed>();
  const slack = await startWebhookServer((req, res) => {
    if (req.path === '/desk') for (const id of idsIn(req.body)) if (!arrivedAt.has(id)) arrivedAt.set(id, Date.now());
    res.writeHead(200).end('ok');
  });
  for (let n = 0; n < opts.sources; n++) {
    const id = sourceId(n);
    const feed: Feed = { server: undefined as unknown as TestServer, entries: [] };
    feed.server = await startServer((req, res) => {
      if (req.url !== '/feed.xml') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      const now = Date.now();
      const visible = feed.entries.filter((e) => e.visibleAt <= now);
      const body = rssFeed(id, visible);
      const etag = `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`;
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
      // The end of the fetch, as the server sees it: the last byte of the first response carrying an item.
      res.on('finish', () => {
        const at = Date.now();
        for (const e of visible) if (!fetchedAt.has(e.guid)) fetchedAt.set(e.guid, at);
      });
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag }).end(body);
    });
    feeds.set(id, feed);
  }
  const dir = mkdtempSync(join(tmpdir(), 'signpost-bench-alert-'));
  mkdirSync(join(dir, 'rules'));
  writeFileSync(
    join(dir, 'watchbook.yaml'),
    stringify({
      version: 1,
      watch: { id: 'bench-alert', title: 'Bench', allow_private: true },
      scenarios: { baseline: { title: 'Baseline', prior: 0.6 }, risk: { title: 'Risk', prior: 0.4 } },
      indicators: { signal: { title: 'Signal' } },
      sources: [...feeds].map(([id, f]) => ({
        id,
        type: 'rss',
        url: `${f.server.url}/feed.xml`,
        every: '1s',
        credibility: 0.8,
        lang: 'en',
      })),
      routes: {
        receiver: 'other',
        routes: [
          {
            match: { kind: 'match' },
            receiver: 'desk',
            group_by: ['...'],
            group_wait: '0s',
            group_interval: '1s',
            repeat_interval: '1000h',
          },
        ],
      },
      receivers: {
        other: { slack: { webhook: `${slack.url}/other` } },
        desk: { slack: { webhook: `${slack.url}/desk` } },
      },
    }),
  );
  writeFileSync(join(dir, 'rules', 'bench.yaml'), rulesText(opts.alerts));
  const prefix = randomPrefix('bench-alert');
  const workers: WorkerProcess[] = [];
  try {
    for (let i = 0; i < opts.processes; i++)
      workers.push(spawnWorker(`a${i + 1}`, { config: dir, prefix, redisUrl: REDIS_URL, logLevel: 'warn' }));
    // Items start once the workers are up and have polled every source once (their robots.txt read).
    const deadline = Date.now() + opts.timeoutMs;
    for (;;) {
      const dead = workers.find((w) => w.exited());
      if (dead) throw new Error(`worker ${dead.name} exited early: ${dead.text.slice(-5).join(' / ')}`);
      const health = await redis.hlen(`${prefix}:health`);
      if (health >= opts.sources) break;
      if (Date.now() > deadline)
        throw new Error(`time to alert: the workers did not poll all ${opts.sources} sources in time`);
      await sleep(50);
    }
    const t0 = Date.now() + 1_000;
    const ids = [...feeds.keys()];
    const guids: string[] = [];
    for (let k = 0; k < opts.alerts; k++) {
      const source = ids[k % ids.length]!;
      const entry = item(source, k, t0 + k * opts.spacingMs, { rules: opts.alerts });
      feeds.get(source)!.entries.push(entry);
      guids.push(entry.guid);
    }
    let last = 0;
    for (;;) {
      if (guids.every((g) => arrivedAt.has(g))) break;
      if (Date.now() > deadline) break;
      if (Date.now() - last > 5_000) {
        last = Date.now();
        log(`  time to alert: ${arrivedAt.size}/${opts.alerts} alerts received, ${fetchedAt.size} items fetched`);
      }
      await sleep(100);
    }
    const times = guids.flatMap((g) => {
      const f = fetchedAt.get(g);
      const a = arrivedAt.get(g);
      return f !== undefined && a !== undefined ? [a - f] : [];
    });
    if (times.length < guids.length)
      log(`  time to alert: only ${times.length} of ${guids.length} alerts arrived in time`);
    for (const w of workers) {
      const failed = logsWith(w, 'Job failed');
      if (failed.length) log(`  worker ${w.name}: ${failed.length} failed jobs`);
      await signalAndWait(w, 'SIGTERM', 25_000).catch(() => undefined);
    }
    return {
      alerts: guids.length,
      delivered: times.length,
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      p99: percentile(times, 99),
    };
  } finally {
    await killAll(workers);
    await Promise.all([...feeds.values()].map((f) => f.server.close()));
    await slack.close();
    rmSync(dir, { recursive: true, force: true });
    await deleteUnder(redis, prefix);
  }
}
