import type { Evidence, ScenarioState, TrailEntry } from '../model/evidence.js';
import type { Indicator, Watchbook } from '../model/watchbook.js';
import { groupEvents } from './events.js';
import { corroboration, credibilityOf, decay } from './factors.js';

// Evidence to scenario probabilities: Bayesian log-odds with likelihood ratios (DESIGN.md, "Scoring";
// research/anchors-rules-alerting.md 3.6, model B):
//
//   L_k = log(prior_k / prior_ref) + Σ_indicators clamp(Σ_stories w_k · q · d, −cap, +cap),  p = softmax(L)
//
// The unit is an event (events.ts): the reports of one indicator leaning the same way within two days,
// whether copies of one article (a near-duplicate cluster) or the same news in other outlets' own words.
//   - w_k: the rules of that indicator that matched the event may be several (a "poll" rule and a
//     "poll rejects concessions" rule on one article); they describe one observation, so per scenario the
//     weight of largest magnitude is taken, not the sum. On a tie in magnitude the rule first by id wins.
//     An event that bears on two indicators counts once for each: the analyst named them as separate
//     signposts, and each indicator's total is capped on its own.
//   - q: noisy-OR over the event's distinct sources (each source once, at its highest recorded
//     credibility), so syndicated copies, reruns and other outlets' reports corroborate instead of adding up.
//   - d: 2^(−age / half_life) with age from the event's EARLIEST publication. Reports published later
//     corroborate the event (q) but do not make it news again: otherwise an aggregator republishing an old
//     piece would keep it at full weight for ever.
// Evidence published after `now` is left out (a backtest must not see the future, and a negative age would
// weigh more than new), and so is evidence of an indicator no longer in the watchbook (it has no half-life
// or cap). Records with the same id are one record written twice (at-least-once delivery); the first is
// kept. Events are summed in a fixed order, so the result does not depend on the order of `evidence`.

export interface ScoreOptions {
  /** How many stories the trail keeps (default 10). */
  trail?: number;
}

const DEFAULT_TRAIL = 10;

/** The scenario picture at `now` from the evidence log. Pure: the same arguments give the same state. */
export function scoreScenarios(
  evidence: readonly Evidence[],
  watchbook: Pick<Watchbook, 'scenarios' | 'indicators'>,
  now: number,
  options: ScoreOptions = {},
): ScenarioState {
  const scenarios = watchbook.scenarios.map((s) => s.id);
  const reference = watchbook.scenarios[0];
  if (!reference) throw new RangeError('scoring: the watchbook has no scenario');
  for (const s of watchbook.scenarios) {
    if (!(s.prior > 0) || !Number.isFinite(s.prior)) {
      throw new RangeError(`scoring: scenario ${s.id} has prior ${s.prior}, expected a positive number`);
    }
  }
  const indicators = new Map(watchbook.indicators.map((i) => [i.id, i]));

  const unique = new Map<string, Evidence>();
  for (const e of evidence) if (!unique.has(e.id)) unique.set(e.id, e);
  const counted: Evidence[] = [];
  let ignored = 0;
  for (const e of unique.values()) {
    if (!indicators.has(e.indicator) || !(e.publishedAt <= now)) ignored++;
    else counted.push(e);
  }

  const uncapped = perIndicator(watchbook.indicators, scenarios);
  const entries: TrailEntry[] = [];
  for (const group of groupEvents(counted, scenarios)) {
    const indicator = indicators.get(group[0]!.indicator)!;
    const entry = weighEvent(group, indicator, scenarios, now);
    entries.push(entry);
    const sums = uncapped[indicator.id]!;
    for (const k of scenarios) sums[k] = sums[k]! + entry.nats[k]!;
  }

  const contributions = perIndicator(watchbook.indicators, scenarios);
  for (const i of watchbook.indicators) {
    for (const k of scenarios) contributions[i.id]![k] = clamp(uncapped[i.id]![k]!, i.cap);
  }
  const priorLogOdds = Object.fromEntries(
    watchbook.scenarios.map((s) => [s.id, Math.log(s.prior) - Math.log(reference.prior)]),
  );
  const logOdds = Object.fromEntries(
    scenarios.map((k) => [k, watchbook.indicators.reduce((sum, i) => sum + contributions[i.id]![k]!, priorLogOdds[k]!)]),
  );

  entries.sort(
    (a, b) =>
      b.moves - a.moves ||
      b.publishedAt - a.publishedAt ||
      compare(a.cluster, b.cluster) ||
      compare(a.indicator, b.indicator),
  );
  return {
    at: now,
    reference: reference.id,
    probabilities: softmax(logOdds),
    logOdds,
    priorLogOdds,
    contributions,
    uncapped,
    trail: entries.slice(0, Math.max(0, options.trail ?? DEFAULT_TRAIL)),
    counted: unique.size - ignored,
    ignored,
  };
}

/** One event's weight on one indicator: `group` is its evidence, all of that indicator. */
function weighEvent(group: Evidence[], indicator: Indicator, scenarios: string[], now: number): TrailEntry {
  const ordered = [...group].sort((a, b) => a.publishedAt - b.publishedAt || compare(a.id, b.id));
  const first = ordered[0]!;
  const rules = [...new Set(group.map((e) => e.rule))].sort(compare);
  const byRule = [...group].sort((a, b) => compare(a.rule, b.rule) || compare(a.id, b.id));

  const weights: TrailEntry['weights'] = {};
  for (const k of scenarios) {
    let best = { rule: rules[0]!, nats: 0 };
    for (const e of byRule) {
      const w = e.scenarios[k] ?? 0;
      if (Number.isFinite(w) && Math.abs(w) > Math.abs(best.nats)) best = { rule: e.rule, nats: w };
    }
    weights[k] = best;
  }

  const credibility = new Map<string, number>();
  for (const e of group) credibility.set(e.source, Math.max(credibility.get(e.source) ?? 0, credibilityOf(e.credibility)));
  const q = corroboration(credibility.values());
  const d = decay(now - first.publishedAt, indicator.halfLifeMs);

  const nats: Record<string, number> = {};
  let rule = rules[0]!;
  let strongest = 0;
  for (const k of scenarios) {
    const w = weights[k]!;
    nats[k] = w.nats * q * d;
    if (Math.abs(w.nats) > strongest) {
      strongest = Math.abs(w.nats);
      rule = w.rule;
    }
  }
  const values = Object.values(nats);
  const terms = [...new Set(ordered.flatMap((e) => e.terms))];

  return {
    cluster: first.cluster,
    indicator: indicator.id,
    rule,
    rules,
    title: first.title,
    ...(first.url !== undefined && { url: first.url }),
    sources: [...credibility.keys()].sort(compare),
    terms,
    items: new Set(group.map((e) => e.itemKey)).size,
    publishedAt: first.publishedAt,
    q,
    d,
    weights,
    nats,
    moves: values.length ? Math.max(...values) - Math.min(...values) : 0,
  };
}

/** Probabilities from log-odds; subtracting the largest first keeps exp() from overflowing. */
export function softmax(logOdds: Record<string, number>): Record<string, number> {
  const entries = Object.entries(logOdds);
  const top = Math.max(...entries.map(([, l]) => l));
  const exps = entries.map(([k, l]) => [k, Math.exp(l - top)] as const);
  const total = exps.reduce((sum, [, x]) => sum + x, 0);
  return Object.fromEntries(exps.map(([k, x]) => [k, x / total]));
}

function perIndicator(indicators: readonly Indicator[], scenarios: string[]): Record<string, Record<string, number>> {
  return Object.fromEntries(indicators.map((i) => [i.id, Object.fromEntries(scenarios.map((k) => [k, 0]))]));
}

const clamp = (x: number, cap: number): number => Math.min(cap, Math.max(-cap, x));

// Code-unit order, the same on every machine (localeCompare is not).
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
