// npm run demo: Signpost with the shipped watchbook's rules, run against a recorded week of news served
// from a local server (demo/timeline.json), so a newcomer without internet sees sources polled, items
// scored and the scenario picture move. Needs Redis (REDIS_URL, default redis://127.0.0.1:6379); uses its
// own key prefix and clears it first. DEMO_SECONDS (default 60) is how long it runs.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { startWorker } from '../jobs/worker.js';
import { loadWatchbookOrThrow } from '../src/config/index.js';
import type { Source } from '../src/model/watchbook.js';
import { connectRedis, RedisUnavailableError } from '../src/queue/index.js';
import { RedisStore } from '../src/store/index.js';

interface Timeline {
  sources: Record<string, { title: string; lang: string }>;
  items: { source: string; hoursAgo: number; title: string; summary: string; initial?: boolean }[];
}

const PREFIX = '{signpost-demo}';
const REVEAL_MS = 3_000;
const SECONDS = Number(process.env.DEMO_SECONDS ?? 60);
const timeline = JSON.parse(readFileSync(new URL('../demo/timeline.json', import.meta.url), 'utf8')) as Timeline;
const started = Date.now();
let revealed = timeline.items.filter((i) => i.initial).length;

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The source's feed as it stood: the items revealed so far, newest first. */
function feed(id: string): string {
  const items = timeline.items
    .slice(0, revealed)
    .map((item, n) => ({ ...item, n }))
    .filter((item) => item.source === id)
    .reverse()
    .map(
      (item) =>
        `<item><guid isPermaLink="false">demo-${item.n}</guid><title>${escape(item.title)}</title>` +
        `<description>${escape(item.summary)}</description><link>https://example.org/demo/${item.n}</link>` +
        `<pubDate>${new Date(started - item.hoursAgo * 3_600_000).toUTCString()}</pubDate></item>`,
    );
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${escape(timeline.sources[id]?.title ?? id)}</title>${items.join('')}</channel></rss>`;
}

const server = createServer((req, res) => {
  const id = /^\/feeds\/([a-z0-9-]+)\.xml$/.exec(req.url ?? '')?.[1];
  if (!id || !timeline.sources[id]) return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(feed(id));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// The shipped watchbook with its sources pointed at the recorded feeds.
const watchbook = loadWatchbookOrThrow('config');
watchbook.watch.allowPrivate = true;
watchbook.sources = Object.entries(timeline.sources).map(([id, s]): Source => {
  const shipped = watchbook.sources.find((x) => x.id === id);
  return { ...(shipped ?? { id, type: 'rss', credibility: 0.7, tags: [] }), id, url: `${base}/feeds/${id}.xml`, everyMs: 2_000, lang: s.lang };
});

let redis;
try {
  redis = await connectRedis();
} catch (err) {
  console.error(err instanceof RedisUnavailableError ? err.message : err);
  process.exit(1);
}
const old = await redis.keys(`${PREFIX}*`);
if (old.length) await redis.del(...old);
const store = new RedisStore(redis, { prefix: PREFIX });

const log = pino({ level: process.env.LOG_LEVEL ?? 'error' });
const worker = await startWorker({ configPath: 'config', watchbook, prefix: PREFIX, tickMs: 1_000, minDelayMs: 0, log, reload: false });
console.log(`Signpost demo: ${watchbook.sources.length} recorded sources at ${base}, ${watchbook.rules.length} rules; a new item every ${REVEAL_MS / 1000} s.\n`);

let shown = 0;
const timer = setInterval(() => {
  void (async () => {
    if (revealed < timeline.items.length) revealed++;
    const evidence = await store.listEvidence(0, Date.now());
    const state = await store.latestScenarioState();
    if (!state || evidence.length === shown) return;
    for (const e of evidence.slice(shown)) console.log(`  ${e.source.padEnd(16)} ${e.rule.padEnd(36)} ${e.title}`);
    shown = evidence.length;
    const picture = Object.entries(state.probabilities).map(([k, p]) => `${k} ${(p * 100).toFixed(1)}%`);
    console.log(`  -> ${picture.join('  ')}\n`);
  })();
}, REVEAL_MS);

const stop = async () => {
  clearInterval(timer);
  const health = await store.allHealth();
  console.log(`Sources: ${health.map((h) => `${h.source} ${h.consecutiveFailures ? 'failing' : 'ok'}`).join(', ')}`);
  await worker.stop();
  await store.close();
  redis.disconnect();
  server.close();
  process.exit(0);
};
setTimeout(() => void stop(), SECONDS * 1_000);
process.once('SIGINT', () => void stop());
