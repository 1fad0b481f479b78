// The worker process: node-cron fires the tick in every process, the tick job's id is its time slot so
// Redis runs it once however many processes there are, and BullMQ workers take fetch and score jobs.
// Processes share nothing but Redis: start more of them to share the work. The tick is added by each
// process's timer, not kept as a BullMQ repeatable job, so a Redis that lost its data gets ticks again at
// once, and the first tick rebuilds the schedule (schedule.ts checkSchedule).

import os from 'node:os';
import cron from 'node-cron';
import type { Logger } from 'pino';
import { defaultLogger } from '../src/cli/logger.js';
import { formatProblem, MAX_HALF_LIFE_MS, watchWatchbook } from '../src/config/index.js';
import { Fetcher } from '../src/fetch/index.js';
import type { ReloadStatus } from '../src/model/reload.js';
import type { Watchbook } from '../src/model/watchbook.js';
import { createEmailTransportFromEnv } from '../src/notify/index.js';
import { scoredSpanMs } from '../src/pipeline/evaluate.js';
import { reconcileSchedule } from '../src/pipeline/schedule.js';
import {
  connectRedis,
  DEFAULT_REDIS_URL,
  deliverBackoff,
  evictionWarning,
  jobId,
  openQueues,
  QUEUE,
  redactUrl,
  RedisState,
  Worker,
  type DeliverJob,
  type DigestJob,
  type FetchJob,
  type Job,
  type ScoreJob,
  type TickJob,
} from '../src/queue/index.js';
import type { WakeJob } from '../src/queue/queues.js';
import { FeedbackStore, normalizePrefix, RedisStore, RobotsShareStore } from '../src/store/index.js';
import type { DeliverContext } from './context.js';
import { deliverAlert } from './deliver-alert.js';
import { fetchSource } from './fetch-source.js';
import { Live } from '../src/pipeline/live.js';
import { scoreItems } from './score-items.js';
import { sendDigest } from './send-digest.js';
import { wake } from './notify-now.js';
import { tick } from './tick.js';

/**
 * Fetch jobs a process runs at once. A fetch mostly waits: on its host's politeness pause (a first poll
 * reads robots.txt, then waits a second before the feed) and on the network; a slot is held all the while,
 * so 8 left hosts idle while the ninth source waited for a pause elsewhere to end (20,000 sources on 200
 * hosts took half a minute to read their robots.txt). A fetch's CPU is parsing, and scoring a feed of one
 * batch, whose steps take turns with every other step of the process.
 */
export const FETCH_CONCURRENCY = 32;

/**
 * Score jobs a process runs at once. Their steps still take turns (held-picture.ts), but the next job and
 * its payload come in while one steps, and a job's counters, unmatched items, deliveries and completion go
 * out while the next steps, instead of every job waiting on the round trips of the one before (the
 * two-process bench went from about 6.7 s to 4.3 s for its 10,000 items).
 */
export const SCORE_CONCURRENCY = 2;

export interface WorkerOptions {
  configPath: string;
  watchbook: Watchbook;
  redisUrl?: string;
  /** Key prefix of the store and the queues (hash-tagged); default `{signpost}`. */
  prefix?: string;
  tickMs?: number;
  fetchConcurrency?: number;
  log?: Logger;
  /** Seconds to let in-flight jobs finish on shutdown. */
  shutdownGraceMs?: number;
  /** Pause between requests to one host (default 1 s; the demo and tests use less). */
  minDelayMs?: number;
  /** Watch the watchbook on disk and reload it (default true). */
  reload?: boolean;
  /** watchbookFingerprint(configPath) taken before `watchbook` was loaded: an edit since is reloaded. */
  loadedFrom?: string;
}

export interface RunningWorker {
  /** The watchbook running now: the web role beside the worker shows it rather than watching the files too. */
  watchbook(): Watchbook;
  reloadStatus(): ReloadStatus;
  stop(): Promise<void>;
}

export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const log = opts.log ?? defaultLogger();
  // Store and queues under one hash-tagged prefix, so on Redis Cluster they all share a slot.
  const prefix = normalizePrefix(opts.prefix);
  const tickMs = opts.tickMs ?? 5_000;
  const redis = await connectRedis(opts.redisUrl, { name: `${prefix}:signpost` });
  const warning = await evictionWarning(redis);
  if (warning) log.warn(warning);

  // The longest any valid watchbook keeps evidence: the store refuses a seen-set that would forget first.
  const store = new RedisStore(redis, { prefix, evidenceTtlMs: scoredSpanMs([{ halfLifeMs: MAX_HALF_LIFE_MS }]) });
  // Redis going away and coming back: one line each, not one per reconnect attempt of every connection.
  const redisState = new RedisState(redis, log, {
    role: 'worker',
    url: opts.redisUrl ?? process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
  });
  const queues = openQueues(redis, prefix, (err) => {
    if (!redisState.report(err)) log.error({ err: err.message }, 'Queue error');
  });
  const live = new Live(opts.watchbook);
  const email = process.env.SMTP_URL ? createEmailTransportFromEnv() : undefined;
  if (!email && opts.watchbook.receivers.some((r) => r.email))
    log.warn('SMTP_URL is not set: email receivers will not be sent to');
  const ctx: DeliverContext = {
    live,
    store,
    feedback: new FeedbackStore(redis, { prefix }),
    queues,
    // The running watchbook's sources tell the fetcher which parts of their URLs are secrets to hide.
    fetcher: new Fetcher({
      ...(opts.watchbook.watch.contact && { contact: opts.watchbook.watch.contact }),
      ...(opts.minDelayMs !== undefined && { minDelayMs: opts.minDelayMs }),
      // What one process read of a host's robots.txt serves them all, and the next start too.
      robotsShare: new RobotsShareStore(redis, { prefix }),
      sources: () => live.watchbook.sources,
    }),
    log,
    now: Date.now,
    ...(email && { email }),
    emailFrom: process.env.SMTP_FROM ?? `Signpost <signpost@${os.hostname()}>`,
  };
  // The sentinel first: a store without it later has lost its data (schedule.ts checkSchedule).
  await store.markStarted(Date.now());
  const reconciled = await reconcileSchedule(store, live.watchbook, Date.now());
  log.info(
    {
      redis: redactUrl(opts.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'),
      sources: live.watchbook.sources.length,
      ...reconciled,
    },
    'Worker started',
  );

  // prettier-ignore
  const workers = [
    // The tick queue also carries wake jobs: alert groups to decide again when their wait ends (notify-now.ts).
    new Worker<TickJob | WakeJob>(QUEUE.tick, (job) => (job.name === 'wake' ? wake(job as Job<WakeJob>, ctx) : tick(job as Job<TickJob>, ctx)), { connection: redis, prefix, concurrency: 1 }),
    new Worker<FetchJob>(QUEUE.fetch, (job) => fetchSource(job, ctx), { connection: redis, prefix, concurrency: opts.fetchConcurrency ?? FETCH_CONCURRENCY }),
    new Worker<ScoreJob>(QUEUE.score, (job) => scoreItems(job, ctx), { connection: redis, prefix, concurrency: SCORE_CONCURRENCY }),
    new Worker<DeliverJob>(QUEUE.deliver, (job) => deliverAlert(job, ctx), {
      connection: redis,
      prefix,
      concurrency: 4,
      settings: { backoffStrategy: deliverBackoff },
    }),
    new Worker<DigestJob>(QUEUE.digest, (job) => sendDigest(job, ctx), { connection: redis, prefix, concurrency: 1, settings: { backoffStrategy: deliverBackoff } }),
  ];
  for (const w of workers) {
    w.on('error', (err) => {
      if (!redisState.report(err)) log.error({ queue: w.name, err: err.message }, 'Worker error');
    });
    w.on('failed', (job, err) =>
      log.warn({ queue: w.name, job_id: job?.id, attempts: job?.attemptsMade, err: err.message }, 'Job failed'),
    );
  }

  // One add at a time, skipped while Redis is away (an add waits out the reconnect): node-cron's own
  // noOverlap would print an unstructured warning for every tick it blocks.
  let adding = false;
  const fireTick = async () => {
    if (adding || !redisState.reachable) return;
    adding = true;
    const slot = Math.floor(Date.now() / tickMs) * tickMs;
    try {
      await queues.tick.add('tick', { slot, everyMs: tickMs }, { jobId: jobId('tick', slot) });
    } catch (err) {
      if (!redisState.report(err)) log.warn({ err: (err as Error).message }, 'Could not add the tick');
    } finally {
      adding = false;
    }
  };
  const task = cron.schedule(`*/${Math.max(1, Math.round(tickMs / 1000))} * * * * *`, fireTick);
  void fireTick();

  const watcher =
    (opts.reload ?? true)
      ? watchWatchbook(
          opts.configPath,
          async (wb) => {
            live.swap(wb);
            const changed = await reconcileSchedule(store, wb, Date.now());
            log.info({ sources: wb.sources.length, rules: wb.rules.length, ...changed }, 'Watchbook reloaded');
          },
          (problems) => {
            for (const p of problems)
              log.error({ problem: formatProblem(p) }, 'Watchbook edit refused; the running watchbook stays');
          },
          { ...(opts.loadedFrom !== undefined && { loadedFrom: opts.loadedFrom }) },
        )
      : { stop: () => undefined, status: (): ReloadStatus => ({ ok: true, at: Date.now(), problems: [] }) };

  return {
    watchbook: () => live.watchbook,
    reloadStatus: () => watcher.status(),
    stop: async () => {
      redisState.stop();
      watcher.stop();
      await task.stop();
      // Stop taking jobs and let the ones in flight finish, within the grace period.
      const grace = new Promise((r) => setTimeout(r, opts.shutdownGraceMs ?? 20_000).unref());
      await Promise.race([Promise.all(workers.map((w) => w.close())), grace]);
      await Promise.all(workers.map((w) => w.close(true)));
      await queues.close();
      email?.close();
      await redis.quit().catch(() => redis.disconnect());
      log.info('Worker stopped');
    },
  };
}
