// Alerts from what the pipeline produces. Each id is derived from what fired and the state it fired from,
// never from the time it was computed, so a job retried on the same stored picture makes the same alert,
// which groups and send-logs then hold once:
//
//   match          match:<evidence id>                       one per item and rule
//   scenario       scenario:<id>:<fire|clear>:<from>          one per crossing; from = when the state it
//                                                             leaves began (pending, firing, or clear)
//   indicator      indicator:<id>:<status>:<from>             one per notable status change; from = when
//                                                             the status it leaves was last evaluated
//   source-health  source-health:<source>:<last success>      one per outage, however often it is checked
//
// Scenario firings, overdue or in-window indicators and source outages fire until their condition clears,
// the others once (clear.ts).
//
// Labels are those of docs/watchbook.md (kind, indicator, scenario, severity, source, rule), only the ones
// that apply. Every alert has a severity, so routes and silences on it see every kind: a scenario firing is
// `high`, its clearing `info`; an overdue indicator `low`, other indicator changes `info`; a source outage
// `low` (it is for on-call, not for the desk's urgent channel).

import type { Alert } from '../model/alert.js';
import type { Evidence, IndicatorStatus, ScenarioAlertState } from '../model/evidence.js';
import { redactText, redactUrl } from '../model/redact.js';
import type { SourceHealth } from '../model/source-health.js';
import type { Indicator, Scenario, Source, Watchbook } from '../model/watchbook.js';
import { formatMs, iso } from './format.js';

export interface Probabilities {
  /** Scenario probabilities before the evidence was counted. */
  before: Record<string, number>;
  /** And after. */
  after: Record<string, number>;
}

/** One `match` alert per evidence record, in order; `probabilities` are those of the batch they came in. */
export function matchAlerts(
  evidence: readonly Evidence[],
  watchbook: Pick<Watchbook, 'rules' | 'sources' | 'indicators'>,
  probabilities: Probabilities,
): Alert[] {
  const rules = new Map(watchbook.rules.map((r) => [r.id, r]));
  const indicators = new Map(watchbook.indicators.map((i) => [i.id, i]));
  const sources = new Map(watchbook.sources.map((s) => [s.id, s]));
  return evidence.map((e) => {
    const rule = rules.get(e.rule);
    const favoured = favouredScenario(e.scenarios);
    const indicator = indicators.get(e.indicator)?.title ?? e.indicator;
    return {
      id: `match:${e.id}`,
      kind: 'match',
      labels: {
        kind: 'match',
        indicator: e.indicator,
        ...(favoured !== undefined && { scenario: favoured }),
        severity: e.severity,
        source: e.source,
        rule: e.rule,
      },
      startsAt: e.seenAt,
      summary: `${indicator}: ${oneLine(e.title)} (${sources.get(e.source)?.title ?? e.source})`,
      explanation: {
        title: e.title,
        ...(e.url !== undefined && { url: e.url }),
        ...(Number.isFinite(e.publishedAt) && { publishedAt: e.publishedAt }),
        rule: e.rule,
        ...(rule?.title !== undefined && { ruleTitle: rule.title }),
        terms: [...e.terms],
        ...(e.modifier && { modifier: `${e.modifier.kind} by "${e.modifier.cue}" (${e.modifier.term})` }),
        source: e.source,
        credibility: e.credibility,
        weights: { ...e.scenarios },
        before: { ...probabilities.before },
        after: { ...probabilities.after },
      },
    };
  });
}

/** The id of a scenario alert: the scenario, the transition, and when the state it led to began. */
export function scenarioAlertId(scenario: string, transition: 'fire' | 'clear', from: number): string {
  return `scenario:${scenario}:${transition}:${iso(from)}`;
}

/**
 * When the state a transition leaves began: for a firing, when the probability began to hold (the dwell),
 * else when the alert last cleared; for a clearing, when it fired. 0 before any change. Each episode has its
 * own, and a retried step, reading the same stored state, finds the same.
 */
export function transitionFrom(prev: ScenarioAlertState, transition: 'fire' | 'clear'): number {
  return (transition === 'fire' ? (prev.pendingSince ?? prev.since) : prev.since) ?? 0;
}

/**
 * A `scenario` alert, at `at`, for a transition of scenarioAlertState (scoring/hysteresis.ts) from the state
 * `prev`. Hovering around a threshold is damped upstream, by the dwell and the exit threshold, so each
 * transition here is one alert. A clear is an alert of its own (the picture moved back), and resolves the
 * fire alert (clear.ts clearedByScenario).
 */
export function scenarioAlert(
  scenario: Scenario,
  transition: 'fire' | 'clear',
  p: number,
  at: number,
  prev: ScenarioAlertState,
  probabilities?: Partial<Probabilities>,
): Alert {
  const t = scenario.alert;
  const fire = transition === 'fire';
  const reason = t
    ? fire
      ? `${pct(p)} held at or above ${pct(t.enter)}${t.forMs ? ` for ${formatMs(t.forMs)}` : ''}`
      : `${pct(p)} fell to ${pct(t.exit)} or below`
    : `${pct(p)}`;
  return {
    id: scenarioAlertId(scenario.id, transition, transitionFrom(prev, transition)),
    kind: 'scenario',
    labels: { kind: 'scenario', scenario: scenario.id, severity: fire ? 'high' : 'info' },
    startsAt: at,
    summary: `${scenario.title}: ${fire ? 'alert fired' : 'alert cleared'} at ${pct(p)}`,
    explanation: {
      status: fire ? 'firing' : 'cleared',
      reason,
      ...(probabilities?.before && { before: { ...probabilities.before } }),
      after: { ...probabilities?.after, [scenario.id]: p },
    },
  };
}

const NOTABLE: ReadonlySet<IndicatorStatus> = new Set(['overdue', 'in-window']);

/**
 * An `indicator` alert when its status changed in a way worth telling: into or out of `overdue` (the
 * expected news has not come; it came at last) or of `in-window`. Quiet <-> active is left out: the match
 * alerts already say it. Undefined otherwise. `fromAt` is when `from` was last evaluated: it names the
 * change, `at` dates it.
 */
export function indicatorAlert(
  indicator: Indicator,
  from: IndicatorStatus,
  to: IndicatorStatus,
  at: number,
  fromAt: number,
): Alert | undefined {
  if (from === to || !(NOTABLE.has(from) || NOTABLE.has(to))) return undefined;
  const words: Record<IndicatorStatus, string> = {
    overdue:
      indicator.expectEveryMs !== undefined
        ? `overdue: nothing for more than ${formatMs(indicator.expectEveryMs)}`
        : 'overdue',
    'in-window': 'inside its window',
    active: 'active',
    quiet: 'quiet',
  };
  return {
    id: `indicator:${indicator.id}:${to}:${iso(fromAt)}`,
    kind: 'indicator',
    labels: { kind: 'indicator', indicator: indicator.id, severity: to === 'overdue' ? 'low' : 'info' },
    startsAt: at,
    summary: `${indicator.title}: ${words[to]} (was ${from})`,
    explanation: { status: to, reason: `${from} -> ${to}: ${words[to]}` },
  };
}

export interface SourceHealthOptions {
  /** Failed fetches in a row that make an outage. Default 3. */
  failuresThreshold?: number;
  /** No successful fetch for this long makes the source silent. Default three of its check intervals. */
  silentAfterMs?: number;
}

/**
 * A `source-health` alert when the source failed `failuresThreshold` times in a row, or has not been fetched
 * successfully for `silentAfterMs`; undefined otherwise. The id is the outage's: from the last success, so
 * checking an ongoing outage every tick gives one alert, and the next outage, after a success, another.
 */
export function sourceHealthAlert(
  health: SourceHealth,
  source: Source,
  at: number,
  opts: SourceHealthOptions = {},
): Alert | undefined {
  const threshold = opts.failuresThreshold ?? 3;
  const silentAfter = opts.silentAfterMs ?? 3 * source.everyMs;
  const failing = health.consecutiveFailures >= threshold;
  // Silence is measured from the last success; a source never fetched well has nothing to measure from.
  // A source with no check interval (a backtest's stand-in) is never silent by default.
  const silent = health.lastSuccessAt !== undefined && silentAfter > 0 && at - health.lastSuccessAt > silentAfter;
  if (!failing && !silent) return undefined;
  const since =
    health.lastSuccessAt !== undefined ? `last fetched well ${iso(health.lastSuccessAt)}` : 'never fetched well';
  // A health record written before its source's secrets were known to be secret may still quote them.
  const last = health.lastError
    ? `; last error: ${health.lastError.reason}: ${redactText(health.lastError.message, [source])}`
    : '';
  const reason = failing
    ? `failed ${health.consecutiveFailures} times in a row${last}`
    : `silent for ${formatMs(at - health.lastSuccessAt!)}`;
  return {
    id: `source-health:${source.id}:${health.lastSuccessAt !== undefined ? iso(health.lastSuccessAt) : 'never'}`,
    kind: 'source-health',
    labels: { kind: 'source-health', source: source.id, severity: 'low' },
    startsAt: at,
    summary: `${source.title ?? source.id}: ${failing ? `failing (${health.lastError?.reason ?? 'unknown'})` : 'silent'}, ${since}`,
    explanation: {
      source: source.id,
      credibility: source.credibility,
      status: failing ? 'failing' : 'silent',
      reason,
      ...(source.url && { url: source.displayUrl ?? redactUrl(source.url) }),
    },
  };
}

/**
 * The scenario a piece of evidence points to: the one its weight favours strictly most (weights are relative:
 * a uniform shift moves nothing); none on a tie, nor for a lone scenario the evidence does not raise.
 */
function favouredScenario(weights: Record<string, number>): string | undefined {
  const sorted = Object.entries(weights).sort((a, b) => b[1] - a[1]);
  const [first, second] = sorted;
  if (!first || first[1] <= (second?.[1] ?? 0)) return undefined;
  return first[0];
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function pct(p: number): string {
  return `${(p * 100).toFixed(1)}%`;
}
