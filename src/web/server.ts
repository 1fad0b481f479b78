// The web server: the web role's routes on one fastify app, all but health and metrics behind basic auth and its throttle.
import Fastify from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ReloadStatus } from '../model/reload.js';
import type { Watchbook } from '../model/watchbook.js';
import { openQueues, RedisState } from '../queue/index.js';
import { FeedbackStore, normalizePrefix, RedisStore } from '../store/index.js';
import { authenticate, parseBasic, type WebAuth } from './auth.js';
import { assetRoutes } from './assets.js';
import { ADMIN_BOARD_PATH, BOARD_PATH, mountBoard } from './board.js';
import type { WebContext } from './context.js';
import { feedbackRoutes } from './feedback.js';
import { securityHeaders } from './headers.js';
import { healthRoutes } from './health.js';
import { metricsRoute } from './metrics.js';
import { overviewRoute } from './overview.js';
import { LoginThrottle, type LoginThrottleOptions } from './throttle.js';

export interface WebOptions {
  /** 0 for any free port. */
  port: number;
  host?: string;
  /** A connected client; the caller closes it. */
  redis: Redis;
  /** Key prefix of the store and the queues; default `{signpost}`. */
  prefix?: string;
  watchbook: () => Watchbook;
  reloadStatus?: () => ReloadStatus;
  log: Logger;
  /** Basic-auth credentials (auth.ts); undefined serves only /healthz, /readyz and /metrics. */
  auth: WebAuth | undefined;
  /** A tick older than this makes /readyz answer 503; default 60 s. */
  tickStaleMs?: number;
  now?: () => number;
  /** Failed logins allowed per client address before 429 (throttle.ts); the clock is `now`. */
  loginThrottle?: Omit<LoginThrottleOptions, 'now'>;
  /** How often the overview's script asks for changes; default 10 s. */
  pollMs?: number;
}

export interface RunningWeb {
  url: string;
  close(): Promise<void>;
}

const PUBLIC = new Set(['/healthz', '/readyz', '/metrics']);

export async function startWeb(opts: WebOptions): Promise<RunningWeb> {
  const prefix = normalizePrefix(opts.prefix);
  // Redis going away and coming back: one line each, not a stack trace per reconnect attempt of each queue.
  const redisState = new RedisState(opts.redis, opts.log, { role: 'web' });
  const queues = openQueues(opts.redis, prefix, (err) => {
    if (!redisState.report(err)) opts.log.error({ err: err.message }, 'Web: queue error');
  });
  const ctx: WebContext = {
    redis: opts.redis,
    store: new RedisStore(opts.redis, { prefix }),
    feedback: new FeedbackStore(opts.redis, { prefix }),
    queues,
    watchbook: opts.watchbook,
    ...(opts.reloadStatus && { reloadStatus: opts.reloadStatus }),
    tickStaleMs: opts.tickStaleMs ?? 60_000,
    now: opts.now ?? Date.now,
    pollMs: opts.pollMs ?? 10_000,
    log: opts.log,
  };
  const app = Fastify({ logger: false });
  securityHeaders(app);
  healthRoutes(app, ctx);
  metricsRoute(app, ctx);

  const auth = opts.auth;
  if (!auth) {
    opts.log.warn(
      'Web: SIGNPOST_WEB_USER and SIGNPOST_WEB_PASSWORD are not both set, so the overview (/) and the job board (/queues) are not served (404); /healthz, /readyz and /metrics are',
    );
  } else {
    const throttle = new LoginThrottle({ ...opts.loginThrottle, now: ctx.now });
    app.addHook('onRequest', async (req, reply) => {
      // Decide on the route the router matched, not on the raw URL: the router decodes the path, so
      // /queues/%61dmin/... reaches the admin board while its raw text does not start with /queues/admin.
      const path = req.routeOptions.url ?? decodedPath(req.url);
      if (PUBLIC.has(path)) return;
      // A throttled address gets 429 whatever it sends: checking its guess would let the guessing go on.
      const wait = throttle.retryAfter(req.ip);
      if (wait !== undefined)
        return reply
          .code(429)
          .header('retry-after', String(wait))
          .send({ error: 'too many failed logins; try again later' });
      const role = authenticate(req.headers.authorization, auth);
      // Only wrong basic-auth credentials count: a request without them is a browser asking for the prompt.
      if (!role && parseBasic(req.headers.authorization) && throttle.fail(req.ip)) {
        opts.log.warn(
          { client_ip: req.ip, retry_after_s: throttle.retryAfter(req.ip) },
          'Web: too many failed logins from one address; it gets 429 until its window ends',
        );
      }
      if (role) throttle.succeed(req.ip);
      const needsAdmin = path === ADMIN_BOARD_PATH || path.startsWith(`${ADMIN_BOARD_PATH}/`);
      if (!role || (needsAdmin && role !== 'admin')) {
        return reply
          .code(401)
          .header('www-authenticate', `Basic realm="${needsAdmin ? 'Signpost admin' : 'Signpost'}", charset="UTF-8"`)
          .send({ error: 'authentication required' });
      }
    });
    assetRoutes(app);
    overviewRoute(app, ctx);
    feedbackRoutes(app, ctx);
    await mountBoard(app, queues, BOARD_PATH, true);
    if (auth.admin) await mountBoard(app, queues, ADMIN_BOARD_PATH, false);
    opts.log.info(
      { board: BOARD_PATH, admin: auth.admin ? ADMIN_BOARD_PATH : 'not configured (SIGNPOST_WEB_ADMIN)' },
      'Web: overview and job board need basic auth',
    );
  }

  const address = await app.listen({ port: opts.port, host: opts.host ?? '0.0.0.0' });
  const port = (app.server.address() as { port: number }).port;
  const url = `http://${opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1'}:${port}`;
  opts.log.info({ address, url }, 'Web started');
  return {
    url,
    close: async () => {
      redisState.stop();
      await app.close();
      await queues.close();
    },
  };
}

/** The path of a URL, percent-decoded (as it is when it cannot be decoded). */
function decodedPath(url: string): string {
  const raw = url.split('?')[0] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
