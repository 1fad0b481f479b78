// The demo without Redis: the same steps in-process on the memory store. Each round polls every source and
// runs the scoring step on what it brought (pipeline/evaluate.ts, as the score job does), which raises the
// alerts into their groups and digests; the web role's overview and feedback pages are served from the same
// memory. The job board is BullMQ's and needs Redis, so it is not there.
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import type { Logger } from 'pino';
import { Fetcher, recordSuccess, recordFailure } from '../../src/fetch/index.js';
import type { Evidence } from '../../src/model/evidence.js';
import type { Judgement, UnmatchedItem } from '../../src/model/feedback.js';
import type { Watchbook } from '../../src/model/watchbook.js';
import { evaluateItems } from '../../src/pipeline/evaluate.js';
import { pollFailure, pollSource } from '../../src/pipeline/poll.js';
import { alertsAfterFetch, raiseAlerts } from '../../src/pipeline/raise.js';
import { Matcher } from '../../src/rules/index.js';
import type { FeedbackStore, MemoryStore, RedisStore } from '../../src/store/index.js';
import { assetRoutes } from '../../src/web/assets.js';
import { authenticate, type WebAuth } from '../../src/web/auth.js';
import type { WebContext } from '../../src/web/context.js';
import { feedbackRoutes } from '../../src/web/feedback.js';
import { securityHeaders } from '../../src/web/headers.js';
import { overviewRoute } from '../../src/web/overview.js';

/** FeedbackStore's methods over plain maps: judgements kept for as long as the demo runs. */
class MemoryFeedback {
  private readonly judged = new Map<string, Judgement>();
  private readonly unmatchedItems = new Map<string, UnmatchedItem>();
  private readonly secret = randomBytes(32).toString('hex');
  constructor(private readonly store: MemoryStore) {}
  judge(j: Judgement): Promise<void> {
    this.judged.set(JSON.stringify([j.evidence ?? `item:${j.item.key}`, j.indicator, j.user]), j);
    return Promise.resolve();
  }
  judgements(since = -Infinity): Promise<Judgement[]> {
    return Promise.resolve([...this.judged.values()].filter((j) => j.at >= since).sort((a, b) => a.at - b.at));
  }
  async evidence(id: string): Promise<Evidence | undefined> {
    return (await this.store.listEvidence(-8.64e15, 8.64e15)).find((e) => e.id === id);
  }
  addUnmatched(items: readonly UnmatchedItem[]): Promise<void> {
    for (const item of items) if (!this.unmatchedItems.has(item.key)) this.unmatchedItems.set(item.key, item);
    return Promise.resolve();
  }
  unmatched(limit = 100): Promise<UnmatchedItem[]> {
    return Promise.resolve([...this.unmatchedItems.values()].sort((a, b) => b.seenAt - a.seenAt).slice(0, limit));
  }
  unmatchedItem(key: string): Promise<UnmatchedItem | undefined> {
    return Promise.resolve(this.unmatchedItems.get(key));
  }
  csrfSecret(): Promise<string> {
    return Promise.resolve(this.secret);
  }
}

export interface MemoryRun {
  webUrl: string;
  stop(): Promise<void>;
}

/** Poll and score every `tickMs`, and serve the overview on a free loopback port behind `auth`. */
export async function runInMemory(
  watchbook: Watchbook,
  store: MemoryStore,
  opts: { tickMs: number; auth: WebAuth; log: Logger },
): Promise<MemoryRun> {
  const matcher = new Matcher(watchbook.rules, watchbook.cues);
  const fetcher = new Fetcher({ minDelayMs: 0, sources: () => watchbook.sources });
  const round = async () => {
    for (const source of watchbook.sources) {
      const prev = await store.getHealth(source.id);
      try {
        const result = await pollSource(source, { fetcher, allowPrivate: watchbook.watch.allowPrivate });
        const now = Date.now();
        if (result.status === 'ok') await evaluateItems(result.items, watchbook, matcher, store, now);
        const health = recordSuccess(prev, {
          source: source.id,
          now,
          items: result.status === 'ok' ? result.items.length : 0,
          nextCheckAt: now + opts.tickMs,
        });
        await store.setHealth(health);
        await raiseAlerts(alertsAfterFetch(health, source, now), watchbook, store, now);
      } catch (err) {
        const failure = pollFailure(err);
        if (!failure) throw err;
        const now = Date.now();
        const health = recordFailure(prev, { source: source.id, now, error: failure, baseIntervalMs: opts.tickMs });
        await store.setHealth(health);
        await raiseAlerts(alertsAfterFetch(health, source, now), watchbook, store, now);
      }
    }
  };
  let stopped = false;
  let running = Promise.resolve();
  const timer = setInterval(() => {
    // One round at a time: a slow round is not overtaken by the next.
    running = running
      .then(() => (stopped ? undefined : round()))
      .catch((err: unknown) => opts.log.error({ err: (err as Error).message }, 'Demo round failed'));
  }, opts.tickMs);

  // The web role's context, typed on the Redis classes; the memory store and MemoryFeedback have the
  // methods its overview and feedback routes call. Nothing here reads `redis` or `queues` (the job board).
  const ctx = {
    store: store as unknown as RedisStore,
    feedback: new MemoryFeedback(store) as unknown as FeedbackStore,
    watchbook: () => watchbook,
    tickStaleMs: 60_000,
    now: Date.now,
    pollMs: 2_000,
    log: opts.log,
  } as WebContext;
  const app = Fastify({ logger: false });
  securityHeaders(app);
  app.get('/healthz', () => ({ ok: true }));
  app.addHook('onRequest', (req, reply, done) => {
    if (req.url === '/healthz' || authenticate(req.headers.authorization, opts.auth)) return done();
    void reply
      .code(401)
      .header('www-authenticate', 'Basic realm="Signpost", charset="UTF-8"')
      .send({ error: 'authentication required' });
  });
  assetRoutes(app);
  overviewRoute(app, ctx);
  feedbackRoutes(app, ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return {
    webUrl: `http://127.0.0.1:${port}`,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
      await app.close();
    },
  };
}
