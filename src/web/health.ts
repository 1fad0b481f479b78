// Health checks: /healthz (the process answers) and /readyz (Redis, the tick and the fetch schedule are).
import type { FastifyInstance } from 'fastify';
import { lastTickAt, type WebContext } from './context.js';

/** Each check's state ('ok' or why not); ready when Redis, the tick and the schedule are. */
export async function readiness(ctx: WebContext): Promise<{ ready: boolean; checks: Record<string, string> }> {
  const checks: Record<string, string> = {};
  const problems: string[] = [];
  try {
    const pong = await Promise.race([
      ctx.redis.ping(),
      new Promise<string>((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2_000).unref()),
    ]);
    checks.redis = pong === 'PONG' ? 'ok' : `unexpected reply ${pong}`;
  } catch (err) {
    checks.redis = `not answering: ${(err as Error).message}`;
  }
  if (checks.redis === 'ok') {
    try {
      const at = await lastTickAt(ctx);
      const age = at === undefined ? undefined : ctx.now() - at;
      checks.tick =
        age === undefined
          ? 'no tick has run yet'
          : age > ctx.tickStaleMs
            ? `last tick ${Math.round(age / 1000)} s ago`
            : 'ok';
    } catch (err) {
      checks.tick = `cannot read: ${(err as Error).message}`;
    }
    checks.schedule = await scheduleReadiness(ctx);
  } else {
    checks.tick = 'unknown: Redis is not answering';
    checks.schedule = 'unknown: Redis is not answering';
  }
  for (const [name, value] of Object.entries(checks)) if (value !== 'ok') problems.push(name);
  // A refused edit is reported, not a reason to leave the load balancer: the last good watchbook runs on
  // (as Alertmanager stays ready after a bad reload and says so in a gauge, signpost_config_reload_ok).
  const status = ctx.reloadStatus?.();
  checks.watchbook =
    !status || status.ok ? 'ok' : `running the last good watchbook; last reload refused: ${status.problems.join('; ')}`;
  return { ready: problems.length === 0, checks };
}

/**
 * Whether the fetch schedule is whole: without it nothing is polled, whatever the ticks do. A missing
 * sentinel means Redis lost its data (or no worker has started on it yet); the worker's next tick rebuilds.
 */
async function scheduleReadiness(ctx: WebContext): Promise<string> {
  try {
    const { sentinel, scheduled } = await ctx.store.scheduleCheck();
    const sources = ctx.watchbook().sources.length;
    if (!sentinel) return 'store empty: Redis lost its data, or no worker has started on it yet';
    return scheduled < sources ? `${scheduled} of ${sources} sources scheduled` : 'ok';
  } catch (err) {
    return `cannot read: ${(err as Error).message}`;
  }
}

export function healthRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.get('/healthz', (_req, reply) => reply.send({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const { ready, checks } = await readiness(ctx);
    const notReady = Object.keys(checks).filter((k) => checks[k] !== 'ok' && k !== 'watchbook');
    const warnings = checks.watchbook === 'ok' ? [] : ['watchbook'];
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not ready',
      ...(notReady.length > 0 && { notReady }),
      ...(warnings.length > 0 && { warnings }),
      checks,
    });
  });
}
