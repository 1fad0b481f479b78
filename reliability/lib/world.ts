// What most scenarios stand up: loopback feeds, the Slack stand-in (and SMTP when asked), the reliability
// watchbook, a random key prefix on a Redis, and `signpost worker` child processes; all of it registered
// for cleanup (workers killed, servers closed, the prefix's keys deleted, the folder removed).
import { Redis } from 'ioredis';
import { NODE_FLAGS } from '../../src/cli/heap.js';
import { killAll, logsWith, spawnWorker, type WorkerProcess } from '../../test/worker/helpers/processes.js';
import { deleteUnder, randomPrefix, REDIS_URL } from '../../test/worker/helpers/redis.js';
import { item, makeBook, sourceId, type Book } from './book.js';
import { LiveFeeds } from './feeds.js';
import { reap } from './reaper.js';
import { startSlack, startSmtp, type SlackStandIn, type SmtpStandIn } from './receivers.js';
import type { Scope } from './scenario.js';

export interface WorldOptions {
  sources: number;
  /** How often each source is due, as the watchbook writes it. */
  every: string;
  rules: number;
  email?: boolean;
  /** The indicator's half_life (default 30 days): how long the worker holds an item's evidence, times ten. */
  halfLife?: string;
  /** Default: the shared Redis (REDIS_URL or 127.0.0.1:6379), under a random prefix. */
  redisUrl?: string;
}

export interface World {
  prefix: string;
  redisUrl: string;
  /** A client on the same Redis, for checks and cleanup. */
  redis: Redis;
  feeds: LiveFeeds;
  slack: SlackStandIn;
  smtp?: SmtpStandIn;
  book: Book;
  sourceIds: string[];
  /** Every worker spawned, in order (killed ones stay listed). */
  workers: WorkerProcess[];
  spawn(name: string): WorkerProcess;
  /**
   * Put `perSource` more items into every source's feed, the k-th of them at `from + k * stepMs` (each source a
   * little later than the one before), every fourth quiet; returns the ids that must alert. Items are
   * numbered on across calls, and item n of a source matches rule n: `rules` must cover every call.
   */
  publish(perSource: number, from: number, stepMs: number): Set<string>;
  /** Warnings and errors the workers logged, by message, for stderr. */
  complaints(): string;
}

export async function startWorld(opts: WorldOptions, scope: Scope): Promise<World> {
  const prefix = randomPrefix('rel');
  const redisUrl = opts.redisUrl ?? REDIS_URL;
  const redis = scope.defer(
    'redis client',
    new Redis(redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => 200 }).on('error', () => {}),
    (r) => r.disconnect(),
  );
  scope.defer(`keys under ${prefix}`, redis, async (r) => void (await deleteUnder(r, prefix)));
  const sourceIds = Array.from({ length: opts.sources }, (_, n) => sourceId(n));
  const feeds = scope.defer('feeds', await LiveFeeds.start(sourceIds), (f) => f.close());
  const slack = scope.defer('Slack stand-in', await startSlack(), (s) => s.close());
  const smtp = opts.email ? scope.defer('SMTP stand-in', await startSmtp(), (s) => s.stop()) : undefined;
  const book = scope.defer(
    'watchbook folder',
    makeBook({
      sources: sourceIds.map((id) => ({ id, url: feeds.url(id), every: opts.every })),
      rules: opts.rules,
      slackUrl: slack.url,
      email: opts.email,
      halfLife: opts.halfLife,
    }),
    (b) => b.remove(),
  );
  const workers: WorkerProcess[] = [];
  scope.defer('workers', workers, (ws) => killAll(ws));
  let published = 0;
  // The workers run as the Dockerfile and `npm start` run them: two malloc arenas and NODE_FLAGS (README, Memory).
  const env = {
    MALLOC_ARENA_MAX: '2',
    ...(smtp && { SMTP_URL: smtp.url, SMTP_FROM: 'Signpost <signpost@example.org>' }),
  };
  return {
    prefix,
    redisUrl,
    redis,
    feeds,
    slack,
    ...(smtp && { smtp }),
    book,
    sourceIds,
    workers,
    spawn(name) {
      const w = spawnWorker(name, { config: book.dir, prefix, redisUrl, env, nodeFlags: NODE_FLAGS });
      workers.push(w);
      reap(w.child);
      return w;
    },
    publish(perSource, from, stepMs) {
      const expected = new Set<string>();
      const first = published;
      if (first + perSource > opts.rules)
        throw new Error(`world: ${first + perSource} items a source, but only ${opts.rules} rules`);
      published += perSource;
      sourceIds.forEach((id, n) => {
        const offset = Math.floor((n * stepMs) / sourceIds.length);
        for (let k = 0; k < perSource; k++) {
          const entry = item(id, first + k, from + k * stepMs + (k > 0 ? offset : 0), {
            rules: opts.rules,
            quiet: (first + k) % 4 === 3,
          });
          feeds.add(id, entry);
          if ((first + k) % 4 !== 3) expected.add(entry.guid);
        }
      });
      return expected;
    },
    complaints() {
      const counts = new Map<string, number>();
      // Ids and ports vary; the kind of complaint is what stderr should show.
      const kind = (msg: string) =>
        msg
          .replace(/<[^>]*>/g, '<…>')
          .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT')
          .slice(0, 100);
      for (const w of workers)
        for (const l of w.logs)
          if ((l.level ?? 0) >= 40) counts.set(kind(String(l.msg)), (counts.get(kind(String(l.msg))) ?? 0) + 1);
      const crashed = workers
        .filter((w) => w.exited() && w.exited()!.signal !== 'SIGKILL')
        .map((w) => `${w.name} exited ${JSON.stringify(w.exited())}: ${w.text.slice(-2).join(' / ')}`);
      const list = [...counts]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([m, n]) => `${n}x "${m}"`);
      return [...crashed, ...list].join('; ') || 'none';
    },
  };
}

/** Whether a worker process has logged "Worker started". */
export const started = (w: WorkerProcess): boolean => logsWith(w, 'Worker started').length > 0;
