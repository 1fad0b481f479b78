// Prometheus metrics, read from Redis at scrape time (so every web process reports the same, global
// values; query them with max by (...), not sum). Times are Unix timestamps, as Prometheus prefers: the
// age is time() - x in PromQL.
//   signpost_queue_jobs{queue,state}                          jobs per queue and state (waiting, active, delayed, failed, completed, prioritized, waiting-children)
//   signpost_scenario_probability{scenario}                   latest probability of each scenario, 0..1
//   signpost_source_consecutive_failures{source}              failed fetches in a row
//   signpost_source_last_success_timestamp_seconds{source}    when the source was last fetched well (absent before the first)
//   signpost_source_items_last_fetch{source}                  items the last fetch returned
//   signpost_indicator_status{indicator,status}               1 for the indicator's current status
//   signpost_last_tick_timestamp_seconds                      when a tick last ran (absent before the first)
//   signpost_config_reload_ok                                 1 when the last watchbook reload was accepted, 0 when refused
//   signpost_build_info{version}                              1, labelled with the running version
// the pipeline counters the jobs add to in Redis (store/counters.ts), as Prometheus counters:
//   signpost_fetches_total{source,result}                     fetches by result: ok, not-modified, or the failure reason
//   signpost_items_total{source,kind}                         items a fetch handed to scoring (kind="new")
//   signpost_items_scored_total{source,kind}                  items scored: kind="new" or "duplicate" (seen already)
//   signpost_matches_total{rule}                              rule matches on new items
//   signpost_notifications_total{receiver,channel,result,reason}  sends: result="sent" (reason="none"), "failed" (with
//                                                             its reason), or "in-doubt" (cut off between send and record; not resent)
// the histogram the jobs count in Redis the same way (one bucket and the sum per job):
//   signpost_job_duration_seconds{queue}                      time jobs took, finished or failed (_bucket{le}, _sum, _count)
// and prom-client's process_* and nodejs_* metrics of this process (but its nodejs_active_*_total): under
// `signpost start` the worker runs in it too.

import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, type Metric, Registry } from 'prom-client';
import { QUEUE } from '../queue/index.js';
import { COUNTERS, HISTOGRAMS, readHistogram, type HistogramSeries, type HistogramSpec } from '../store/index.js';
import { lastTickAt, type WebContext } from './context.js';

const STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children'] as const;

/** An empty label value reads as an absent label in Prometheus; stored ones (a sent notification's reason) show as "none". */
const labelValue = (v: string | undefined): string => (v === undefined || v === '' ? 'none' : v);

export function metricsRoute(app: FastifyInstance, ctx: WebContext): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Gauges named like counters, which promtool flags (prometheus/client_js#283); each is the sum of its
  // per-type sibling, so nothing is lost: sum without (type) (nodejs_active_handles).
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'])
    registry.removeSingleMetric(name);
  const g = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });
  const queueJobs = g('signpost_queue_jobs', 'Jobs per queue and state', ['queue', 'state']);
  const probability = g('signpost_scenario_probability', 'Latest probability of each scenario (0..1)', ['scenario']);
  const failures = g('signpost_source_consecutive_failures', 'Failed fetches of the source in a row', ['source']);
  const lastSuccess = g(
    'signpost_source_last_success_timestamp_seconds',
    'When the source was last fetched successfully, as a Unix timestamp',
    ['source'],
  );
  const items = g('signpost_source_items_last_fetch', 'Items the last fetch of the source returned', ['source']);
  const indicator = g('signpost_indicator_status', '1 for the current status of each indicator', [
    'indicator',
    'status',
  ]);
  const lastTick = g('signpost_last_tick_timestamp_seconds', 'When a tick last ran, as a Unix timestamp', []);
  const reloadOk = g(
    'signpost_config_reload_ok',
    '1 when the last watchbook reload was accepted, 0 when it was refused',
    [],
  );
  g('signpost_build_info', 'Always 1, labelled with the version of Signpost serving these metrics', ['version']).set(
    { version: packageVersion() },
    1,
  );
  // Counters kept in Redis: reset and filled from the store at each scrape, so every web process reports
  // the same totals. A label the catalogue does not name is dropped; a counter it does not name is skipped.
  const counters = new Map(
    COUNTERS.map((c) => [
      c.name,
      {
        labelNames: c.labelNames,
        metric: new Counter<string>({ name: c.name, help: c.help, labelNames: c.labelNames, registers: [registry] }),
      },
    ]),
  );
  const histograms = HISTOGRAMS.map((spec) => storedHistogram(registry, spec));

  const collect = async () => {
    const [counts, state, health, statuses, tickAt, totals] = await Promise.all([
      Promise.all(
        (Object.keys(QUEUE) as (keyof typeof QUEUE)[]).map(
          async (q) => [QUEUE[q], await ctx.queues[q].getJobCounts(...STATES)] as const,
        ),
      ),
      ctx.store.latestScenarioState(),
      ctx.store.allHealth(),
      ctx.store.indicatorStatuses(),
      lastTickAt(ctx),
      ctx.store.counters(),
    ]);
    for (const m of [queueJobs, probability, failures, lastSuccess, items, indicator, lastTick, reloadOk]) m.reset();
    for (const [queue, byState] of counts) for (const s of STATES) queueJobs.set({ queue, state: s }, byState[s] ?? 0);
    for (const [scenario, p] of Object.entries(state?.probabilities ?? {})) probability.set({ scenario }, p);
    for (const h of health) {
      failures.set({ source: h.source }, h.consecutiveFailures);
      items.set({ source: h.source }, h.itemsLastFetch);
      if (h.lastSuccessAt !== undefined) lastSuccess.set({ source: h.source }, h.lastSuccessAt / 1000);
    }
    for (const [id, s] of Object.entries(statuses)) indicator.set({ indicator: id, status: s.status }, 1);
    if (tickAt !== undefined) lastTick.set(tickAt / 1000);
    for (const c of counters.values()) c.metric.reset();
    for (const t of totals) {
      const c = counters.get(t.name);
      if (!c || !(t.value >= 0)) continue;
      c.metric.inc(Object.fromEntries(c.labelNames.map((l) => [l, labelValue(t.labels[l])])), t.value);
    }
    for (const h of histograms) h.set(readHistogram(h.spec, totals));
    const reload = ctx.reloadStatus?.();
    reloadOk.set(reload && !reload.ok ? 0 : 1);
  };

  app.get('/metrics', async (_req, reply) => {
    try {
      await collect();
    } catch (err) {
      ctx.log.warn({ err: (err as Error).message }, 'Metrics scrape failed');
      return reply
        .code(503)
        .type('text/plain')
        .send(`# scrape failed: ${(err as Error).message}\n`);
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}

/**
 * A histogram the workers counted in Redis, shown as the store holds it at each scrape. prom-client's
 * Histogram can only observe in this process, so this is a custom collector: an object with the name,
 * help and type the registry prints and a get() that gives the samples, as prom-client's own metrics do.
 */
function storedHistogram(
  registry: Registry,
  spec: HistogramSpec,
): { spec: HistogramSpec; set(series: HistogramSeries[]): void } {
  let series: HistogramSeries[] = [];
  const samples = () =>
    series.flatMap((s) => {
      const labels = Object.fromEntries(Object.entries(s.labels).map(([k, v]) => [k, labelValue(v)]));
      return [
        ...s.buckets.map(([le, value]) => ({ metricName: `${spec.name}_bucket`, labels: { ...labels, le }, value })),
        { metricName: `${spec.name}_sum`, labels, value: s.sum },
        { metricName: `${spec.name}_count`, labels, value: s.count },
      ];
    });
  const collector = {
    name: spec.name,
    help: spec.help,
    type: 'histogram',
    aggregator: 'sum',
    get: () =>
      Promise.resolve({ name: spec.name, help: spec.help, type: 'histogram', aggregator: 'sum', values: samples() }),
  };
  registry.registerMetric(collector as unknown as Metric);
  return { spec, set: (s) => void (series = s) };
}

let version: string | undefined;

/** The package version, read once from package.json (above src/web, or above dist/src/web when built). */
function packageVersion(): string {
  if (version !== undefined) return version;
  version = 'unknown';
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === 'signpost' && typeof pkg.version === 'string') return (version = pkg.version);
    } catch {
      // not this level
    }
  }
  return version;
}
