import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Registry } from 'prom-client';
import { QUEUE } from '../queue/index.js';
import { COUNTERS } from '../store/index.js';
import { lastTickAt, type WebContext } from './context.js';

// Prometheus metrics, read from Redis at scrape time (so every web process reports the same, global
// values; query them with max by (...), not sum):
//   signpost_queue_jobs{queue,state}                   jobs per queue and state (waiting, active, delayed, failed, completed, prioritized, waiting-children)
//   signpost_scenario_probability{scenario}            latest probability of each scenario, 0..1
//   signpost_source_consecutive_failures{source}       failed fetches in a row
//   signpost_source_last_success_age_seconds{source}   seconds since the last good fetch (absent before the first)
//   signpost_source_items_last_fetch{source}           items the last fetch returned
//   signpost_indicator_status{indicator,status}        1 for the indicator's current status
//   signpost_last_tick_age_seconds                     seconds since a tick last ran (absent before the first)
//   signpost_config_reload_ok                          1 when the last watchbook reload was accepted, 0 when refused
// and the pipeline counters the jobs add to in Redis (store/counters.ts), as Prometheus counters:
//   signpost_fetches_total{source,result}              fetches by result: ok, not-modified, or the failure reason
//   signpost_items_total{source,kind}                  items a fetch handed to scoring (kind="new")
//   signpost_items_scored_total{source,kind}           items scored: kind="new" or "duplicate" (seen already)
//   signpost_matches_total{rule}                       rule matches on new items
//   signpost_notifications_total{receiver,channel,result,reason}  sends: result="sent", "failed" (with its reason),
//                                                      or "in-doubt" (cut off between send and record; not resent)
//   signpost_job_seconds_sum{queue}, signpost_job_seconds_count{queue}  time spent in jobs, and jobs run

const STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children'] as const;

export function metricsRoute(app: FastifyInstance, ctx: WebContext): void {
  const registry = new Registry();
  const g = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Gauge<L>({ name, help, labelNames, registers: [registry] });
  const queueJobs = g('signpost_queue_jobs', 'Jobs per queue and state', ['queue', 'state']);
  const probability = g('signpost_scenario_probability', 'Latest probability of each scenario (0..1)', ['scenario']);
  const failures = g('signpost_source_consecutive_failures', 'Failed fetches of the source in a row', ['source']);
  const successAge = g('signpost_source_last_success_age_seconds', 'Seconds since the source was last fetched successfully', ['source']);
  const items = g('signpost_source_items_last_fetch', 'Items the last fetch of the source returned', ['source']);
  const indicator = g('signpost_indicator_status', '1 for the current status of each indicator', ['indicator', 'status']);
  const tickAge = g('signpost_last_tick_age_seconds', 'Seconds since a tick last ran', []);
  const reloadOk = g('signpost_config_reload_ok', '1 when the last watchbook reload was accepted, 0 when it was refused', []);
  // Counters kept in Redis: reset and filled from the store at each scrape, so every web process reports
  // the same totals. A label the catalogue does not name is dropped; a counter it does not name is skipped.
  const counters = new Map(COUNTERS.map((c) => [c.name, { labelNames: c.labelNames, metric: new Counter<string>({ name: c.name, help: c.help, labelNames: c.labelNames, registers: [registry] }) }]));

  const collect = async () => {
    const now = ctx.now();
    const [counts, state, health, statuses, tickAt, totals] = await Promise.all([
      Promise.all((Object.keys(QUEUE) as (keyof typeof QUEUE)[]).map(async (q) => [QUEUE[q], await ctx.queues[q].getJobCounts(...STATES)] as const)),
      ctx.store.latestScenarioState(),
      ctx.store.allHealth(),
      ctx.store.indicatorStatuses(),
      lastTickAt(ctx),
      ctx.store.counters(),
    ]);
    for (const m of [queueJobs, probability, failures, successAge, items, indicator, tickAge, reloadOk]) m.reset();
    for (const [queue, byState] of counts) for (const s of STATES) queueJobs.set({ queue, state: s }, byState[s] ?? 0);
    for (const [scenario, p] of Object.entries(state?.probabilities ?? {})) probability.set({ scenario }, p);
    for (const h of health) {
      failures.set({ source: h.source }, h.consecutiveFailures);
      items.set({ source: h.source }, h.itemsLastFetch);
      if (h.lastSuccessAt !== undefined) successAge.set({ source: h.source }, Math.max(0, (now - h.lastSuccessAt) / 1000));
    }
    for (const [id, s] of Object.entries(statuses)) indicator.set({ indicator: id, status: s.status }, 1);
    if (tickAt !== undefined) tickAge.set(Math.max(0, (now - tickAt) / 1000));
    for (const c of counters.values()) c.metric.reset();
    for (const t of totals) {
      const c = counters.get(t.name);
      if (!c || !(t.value >= 0)) continue;
      c.metric.inc(Object.fromEntries(c.labelNames.map((l) => [l, t.labels[l] ?? ''])), t.value);
    }
    const reload = ctx.reloadStatus?.();
    reloadOk.set(reload && !reload.ok ? 0 : 1);
  };

  app.get('/metrics', async (_req, reply) => {
    try {
      await collect();
    } catch (err) {
      ctx.log.warn({ err: (err as Error).message }, 'Metrics scrape failed');
      return reply.code(503).type('text/plain').send(`# scrape failed: ${(err as Error).message}\n`);
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
