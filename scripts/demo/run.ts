// runDemo(): the shipped watchbook's rules against a recorded week of news (feeds.ts), with the worker and
// the web role, printing what a newcomer should see: items matched, the scenario picture moving, and each
// alert raised with the receivers it would reach. Nothing is sent: the demo's receivers have no channels.
// Where it runs: the Redis of REDIS_URL when set; else a redis-server of its own when one is installed
// (private-redis.ts); else in-process on the memory store (memory.ts). It says which.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { startWorker } from '../../jobs/worker.js';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import type { Receiver, Source, Watchbook } from '../../src/model/watchbook.js';
import { oneLine } from '../../src/notify/text.js';
import { connectRedis } from '../../src/queue/index.js';
import { MemoryStore, RedisStore, type Store } from '../../src/store/index.js';
import { startWeb, type WebAuth } from '../../src/web/index.js';
import { readTimeline, serveRecordedFeeds } from './feeds.js';
import { runInMemory } from './memory.js';
import { startPrivateRedis } from './private-redis.js';

export interface DemoOptions {
  /** How long it runs before it stops by itself. */
  seconds: number;
  /** A new recorded item every revealMs; the sources are polled every tickMs. */
  revealMs?: number;
  tickMs?: number;
  /** Use this Redis (its demo key prefix cleared first) instead of starting one. */
  redisUrl?: string;
  /** The program started for a Redis of the demo's own (default redis-server; memory when not installed). */
  redisServer?: string;
  out?: (line: string) => void;
  log?: Logger;
}

export interface Demo {
  mode: 'redis' | 'private-redis' | 'memory';
  /** The Redis it runs on (not in memory mode). */
  redisUrl?: string;
  webUrl: string;
  auth: WebAuth;
  /** Resolves once the demo stopped (after `seconds`, or stop()). */
  finished: Promise<void>;
  stop(): Promise<void>;
}

const PREFIX = '{signpost-demo}';

/** "desk-slack (Slack)", "analysts-digest (email digest "0 7 * * *")": a receiver as the reader knows it. */
function describeReceiver(r: Receiver | undefined, id: string): string {
  if (!r) return id;
  const channels =
    [r.email && 'email', r.slack && 'Slack', r.webhook && 'webhook'].filter(Boolean).join(' + ') || 'no channel';
  return `${id} (${channels}${r.digest ? ` digest "${r.digest}"` : ''})`;
}

/** Each firing alert's receivers: those of the groups holding it, and the digests collecting it. */
async function reach(store: Store, watchbook: Watchbook): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  const add = (id: string, receiver: string) => out.set(id, (out.get(id) ?? new Set()).add(receiver));
  for (const { receiver, group } of await store.alertGroups())
    for (const a of group.alerts) if (a.firing) add(a.id, receiver);
  for (const r of watchbook.receivers)
    if (r.digest) for (const a of await store.peekDigestAlerts(r.id)) add(a.id, r.id);
  return out;
}

export async function runDemo(opts: DemoOptions): Promise<Demo> {
  const out = opts.out ?? ((line: string) => console.log(line));
  const log = opts.log ?? pino({ level: process.env.LOG_LEVEL ?? 'silent' });
  const revealMs = opts.revealMs ?? 3_000;
  const tickMs = opts.tickMs ?? 1_000;
  const feeds = await serveRecordedFeeds(readTimeline(), Date.now());
  const cleanups: (() => Promise<void>)[] = [() => feeds.close()];

  // The shipped watchbook with its sources pointed at the recorded feeds, and receivers without channels.
  const shipped = loadWatchbookOrThrow('config');
  const watchbook: Watchbook = {
    ...shipped,
    watch: { ...shipped.watch, allowPrivate: true },
    sources: Object.entries(feeds.timeline.sources).map(([id, s]): Source => {
      const known = shipped.sources.find((x) => x.id === id);
      return {
        ...(known ?? { id, type: 'rss', credibility: 0.7, tags: [] }),
        id,
        url: `${feeds.url}/feeds/${id}.xml`,
        everyMs: tickMs,
        lang: s.lang,
      };
    }),
    receivers: shipped.receivers.map((r) => ({ id: r.id, ...(r.digest !== undefined && { digest: r.digest }) })),
  };
  const auth: WebAuth = { user: 'demo', password: randomBytes(9).toString('base64url') };

  let mode: Demo['mode'];
  let store: Store;
  let webUrl: string;
  let redisUrl: string | undefined;
  try {
    const own = opts.redisUrl ? undefined : await startPrivateRedis(opts.redisServer);
    if (own) cleanups.unshift(() => own.stop());
    redisUrl = opts.redisUrl ?? own?.url;
    if (redisUrl) {
      mode = own ? 'private-redis' : 'redis';
      const redis = await connectRedis(redisUrl, { name: 'signpost-demo' });
      cleanups.unshift(async () => void (await redis.quit().catch(() => redis.disconnect())));
      const old = await redis.keys(`${PREFIX}*`);
      if (old.length) await redis.del(...old);
      store = new RedisStore(redis, { prefix: PREFIX });
      const worker = await startWorker({
        configPath: 'config',
        watchbook,
        redisUrl,
        prefix: PREFIX,
        tickMs,
        minDelayMs: 0,
        log,
        reload: false,
      });
      cleanups.unshift(() => worker.stop());
      // A cluster client is not what the web role takes; the demo's own Redis is never a cluster.
      const web = await startWeb({
        port: 0,
        host: '127.0.0.1',
        redis: redis as Redis,
        prefix: PREFIX,
        watchbook: () => watchbook,
        log,
        auth,
        pollMs: 2_000,
      });
      cleanups.unshift(() => web.close());
      webUrl = web.url;
    } else {
      mode = 'memory';
      const memory = new MemoryStore();
      store = memory;
      const run = await runInMemory(watchbook, memory, { tickMs, auth, log });
      cleanups.unshift(() => run.stop());
      webUrl = run.webUrl;
    }
  } catch (err) {
    for (const c of cleanups) await c().catch(() => undefined);
    throw err;
  }

  out(
    `Signpost demo: ${watchbook.sources.length} recorded sources at ${feeds.url}, ${watchbook.rules.length} rules; a new item every ${revealMs / 1000} s.`,
  );
  if (mode === 'redis') out(`Running on the Redis at REDIS_URL, under the key prefix ${PREFIX} (cleared first).`);
  if (mode === 'private-redis')
    out('Running on a redis-server started for this demo (a free port, a temporary directory; stopped at the end).');
  if (mode === 'memory')
    out(
      `Running in-process on the memory store: ${opts.redisServer ?? 'redis-server'} is not installed. The same pages and alerts; no job board (it needs Redis).`,
    );
  out(
    `Web: ${webUrl}/  user ${auth.user}, password ${auth.password}   (or open http://${auth.user}:${auth.password}@${webUrl.replace(/^http:\/\//, '')}/)`,
  );
  out('Nothing is sent: each alert shows the receivers it would reach.\n');

  const shownEvidence = new Set<string>();
  const shownAlerts = new Set<string>();
  const report = async () => {
    const evidence = (await store.listEvidence(0, Date.now() + 86_400_000)).filter((e) => !shownEvidence.has(e.id));
    for (const e of evidence) {
      shownEvidence.add(e.id);
      out(`  ${e.source.padEnd(16)} ${e.rule.padEnd(36)} ${oneLine(e.title, 120)}`);
    }
    const receivers = await reach(store, watchbook);
    const fresh = [...receivers.keys()].filter((id) => !shownAlerts.has(id));
    for (const alert of (await store.getAlerts(fresh)).sort((a, b) => a.startsAt - b.startsAt)) {
      shownAlerts.add(alert.id);
      const who = [...receivers.get(alert.id)!].sort().map((id) =>
        describeReceiver(
          shipped.receivers.find((r) => r.id === id),
          id,
        ),
      );
      const about = alert.labels.indicator ?? alert.labels.scenario ?? alert.labels.source ?? '';
      const what = oneLine(alert.kind === 'match' ? (alert.explanation.title ?? alert.summary) : alert.summary, 110);
      out(
        `  ALERT ${[alert.kind, alert.labels.severity, about].filter(Boolean).join(' ')}: ${what}\n        -> ${who.join(', ')}`,
      );
    }
    const state = await store.latestScenarioState();
    if (state && (evidence.length || fresh.length))
      out(
        `  -> ${Object.entries(state.probabilities)
          .map(([k, p]) => `${k} ${(p * 100).toFixed(1)}%`)
          .join('  ')}\n`,
      );
  };

  let stopping: Promise<void> | undefined;
  let reporting = Promise.resolve();
  const timer = setInterval(() => {
    feeds.reveal();
    reporting = reporting
      .then(report)
      .catch((err: unknown) => log.error({ err: (err as Error).message }, 'Demo report failed'));
  }, revealMs);
  let finish: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(timer);
      clearTimeout(deadline);
      await reporting;
      await report().catch(() => undefined);
      const health = await store.allHealth().catch(() => []);
      out(`Sources: ${health.map((h) => `${h.source} ${h.consecutiveFailures ? 'failing' : 'ok'}`).join(', ')}`);
      out(`${shownAlerts.size} alert${shownAlerts.size === 1 ? '' : 's'} raised.`);
      for (const c of cleanups)
        await c().catch((err: unknown) => log.error({ err: (err as Error).message }, 'Demo cleanup failed'));
      finish();
    })());
  const deadline = setTimeout(() => void stop(), opts.seconds * 1_000);
  return { mode, ...(redisUrl && { redisUrl }), webUrl, auth, finished, stop };
}
