// What Prometheus and Grafana users hold Signpost to: a live /metrics that `promtool check metrics` finds
// nothing in, the alerting rules of deploy/prometheus under `promtool test rules`, and a dashboard and rules
// that query only metrics Signpost exports. promtool comes from Debian's `prometheus` package (.ci/run).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COUNTER, jobSeconds } from '../../src/store/index.js';
import { harness, state, type Harness } from './harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROMETHEUS_DIR = `${ROOT}deploy/prometheus`;
const promtoolFound = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
const needsPromtool = promtoolFound
  ? ''
  : ' [SKIPPED: promtool not found; install it with `apt-get install prometheus`]';
if (!promtoolFound) console.warn(`prometheus.test.ts:${needsPromtool}`);

function promtool(
  args: string[],
  opts: { input?: string; cwd?: string } = {},
): { status: number | null; output: string } {
  const r = spawnSync('promtool', args, { encoding: 'utf8', timeout: 15_000, ...opts });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

/** Metric names as a /metrics page lists them (TYPE lines), a histogram's or summary's series names included. */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (!name) continue;
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(`${name}${s}`);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(`${name}${s}`);
  }
  return names;
}

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'offset',
  'bool',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression selects: what is left once strings, label matchers, ranges, grouping
 * clauses and Grafana variables are cut out, and function and aggregation names (followed by a paren) and
 * keywords are dropped.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
  const names = [...bare.matchAll(/(?<![\w:.])([a-zA-Z_:][\w:]*)(?![\w:]|\s*\()/g)].map((m) => m[1] ?? '');
  return [...new Set(names.filter((n) => !PROMQL_WORDS.has(n.toLowerCase())))];
}

interface Panel {
  title?: string;
  type?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

const dashboard = (): { panels: Panel[] } =>
  JSON.parse(readFileSync(`${ROOT}deploy/grafana/signpost.json`, 'utf8')) as { panels: Panel[] };

function dashboardExprs(): { panel: string; expr: string }[] {
  const walk = (panels: Panel[]): { panel: string; expr: string }[] =>
    panels.flatMap((p) => [
      ...(p.targets ?? []).map((t) => ({ panel: p.title ?? '?', expr: t.expr ?? '' })),
      ...walk(p.panels ?? []),
    ]);
  return walk(dashboard().panels);
}

function ruleExprs(): { panel: string; expr: string }[] {
  const file = parse(readFileSync(`${PROMETHEUS_DIR}/signpost-rules.yaml`, 'utf8')) as {
    groups: { rules: { alert: string; expr: string }[] }[];
  };
  return file.groups.flatMap((g) => g.rules.map((r) => ({ panel: r.alert, expr: r.expr })));
}

describe('metricNames reads the metrics an expression selects', () => {
  // prettier-ignore
  const cases: { name: string; expr: string; want: string[] }[] = [
    { name: 'a bare selector with matchers', expr: 'signpost_queue_jobs{state=~"waiting|failed"}', want: ['signpost_queue_jobs'] },
    { name: 'functions, ranges, Grafana variables', expr: 'rate(signpost_fetches_total[$__rate_interval])', want: ['signpost_fetches_total'] },
    { name: 'aggregations with by, and time()', expr: 'time() - max by (source) (signpost_source_last_success_timestamp_seconds) > 3 * 3600', want: ['signpost_source_last_success_timestamp_seconds'] },
    { name: 'histogram_quantile over buckets', expr: 'histogram_quantile(0.95, max by (queue, le) (rate(signpost_job_duration_seconds_bucket[5m])))', want: ['signpost_job_duration_seconds_bucket'] },
    { name: 'set operators, on(), offset', expr: 'a_total unless on (x) b_total offset 1h and bool c', want: ['a_total', 'b_total', 'c'] },
  ];
  it.each(cases)('$name', ({ expr, want }) => expect(metricNames(expr)).toEqual(want));
});

describe('Prometheus conventions on a live /metrics', () => {
  let h: Harness;
  let text: string;
  const tickAt = Date.now() - 5_000;
  const goodAt = Date.now() - 60_000;
  beforeAll(async () => {
    h = await harness(undefined);
    // Something in every family, so promtool sees every metric with samples, not only its HELP and TYPE.
    await h.store.appendScenarioState(state(tickAt, 0.3));
    await h.store.setHealth({
      source: 'good-feed',
      consecutiveFailures: 0,
      itemsLastFetch: 4,
      nextCheckAt: tickAt,
      lastSuccessAt: goodAt,
    });
    await h.store.setHealth({
      source: 'bad-feed',
      consecutiveFailures: 3,
      itemsLastFetch: 0,
      nextCheckAt: tickAt,
      lastError: { reason: 'timeout', message: 'x', at: tickAt },
    });
    await h.store.setIndicatorStatus('troops', 'active', tickAt);
    await h.store.incrementCounters([
      { name: COUNTER.fetches.name, labels: { source: 'good-feed', result: 'ok' } },
      { name: COUNTER.items.name, labels: { source: 'good-feed', kind: 'new' }, by: 4 },
      { name: COUNTER.itemsScored.name, labels: { source: 'good-feed', kind: 'duplicate' } },
      { name: COUNTER.matches.name, labels: { rule: 'troops-move' } },
      { name: COUNTER.notifications.name, labels: { receiver: 'desk', channel: 'email', result: 'sent', reason: '' } },
      {
        name: COUNTER.notifications.name,
        labels: { receiver: 'desk', channel: 'slack', result: 'failed', reason: 'http-5xx' },
      },
      ...jobSeconds('fetch', 0.2),
      ...jobSeconds('score', 75),
    ]);
    const r = await fetch(`${h.web.url}/metrics`);
    expect(r.status).toBe(200);
    text = await r.text();
  });
  afterAll(async () => h.close());

  it(`promtool check metrics finds nothing${needsPromtool}`, ({ skip }) => {
    if (!promtoolFound) return skip(needsPromtool);
    expect(promtool(['check', 'metrics'], { input: text })).toEqual({ status: 0, output: '' });
  });

  it('exports times as Unix timestamps, the build version, and process and Node.js metrics; no label is empty', () => {
    const value = (series: string) =>
      Number(new RegExp(`^${series.replace(/[{}"+.]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('signpost_last_tick_timestamp_seconds')).toBeCloseTo(tickAt / 1000, 3);
    expect(value('signpost_source_last_success_timestamp_seconds{source="good-feed"}')).toBeCloseTo(goodAt / 1000, 3);
    const { version } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { version: string };
    expect(value(`signpost_build_info{version="${version}"}`)).toBe(1);
    expect(value('signpost_notifications_total{receiver="desk",channel="email",result="sent",reason="none"}')).toBe(1);
    expect(value('signpost_job_duration_seconds_bucket{queue="score",le="60"}')).toBe(0);
    expect(value('signpost_job_duration_seconds_bucket{queue="score",le="+Inf"}')).toBe(1);
    const names = exportedNames(text);
    for (const n of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'process_start_time_seconds',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
      'nodejs_version_info',
    ]) {
      expect(names, n).toContain(n);
    }
    expect([...names].filter((n) => n.includes('_age_'))).toEqual([]);
    expect(text).not.toMatch(/=""/);
  });

  it('every query of the Grafana dashboard and of the alerting rules names a metric /metrics lists', () => {
    const names = exportedNames(text);
    const exprs = dashboardExprs();
    expect(exprs.length).toBeGreaterThan(15);
    expect(
      dashboard()
        .panels.filter((p) => p.type === 'row')
        .map((p) => p.title),
    ).toEqual(['Health', 'Scenarios', 'Queues', 'Fetches and items', 'Source health', 'Notifications', 'Web process']);
    const unknown = [...exprs, ...ruleExprs()].flatMap(({ panel, expr }) => {
      const used = metricNames(expr);
      return used.length === 0
        ? [`${panel}: no metric in ${expr}`]
        : used.filter((n) => !names.has(n)).map((n) => `${panel}: ${n}`);
    });
    expect(unknown).toEqual([]);
  });
});

describe('the alerting rules of deploy/prometheus', () => {
  it(`pass promtool check rules and their unit tests (promtool test rules)${needsPromtool}`, ({ skip }) => {
    if (!promtoolFound) return skip(needsPromtool);
    const check = promtool(['check', 'rules', 'signpost-rules.yaml'], { cwd: PROMETHEUS_DIR });
    expect(check.status, check.output).toBe(0);
    const test = promtool(['test', 'rules', 'signpost-rules.test.yaml'], { cwd: PROMETHEUS_DIR });
    expect(test.status, test.output).toBe(0);
    expect(test.output).toMatch(/SUCCESS/);
  });

  it('name every alert the README asks on-call to set', () => {
    expect(ruleExprs().map((r) => r.panel)).toEqual([
      'SignpostTickStale',
      'SignpostTickMissing',
      'SignpostJobsFailing',
      'SignpostJobsBacklog',
      'SignpostNotificationInDoubt',
      'SignpostConfigReloadRefused',
      'SignpostSourceFailing',
    ]);
  });
});
