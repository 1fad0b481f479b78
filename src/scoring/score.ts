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

import type { Evidence, ScenarioState, TrailEntry } from '../model/evidence.js';
import type { Indicator, Watchbook } from '../model/watchbook.js';
import { groupEvents } from './events.js';
import { corroboration, credibilityOf, decay } from './factors.js';

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
  const scenarios = checkedScenarios(watchbook);
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
    const entry = entryAt(eventFacts(group, indicator, scenarios), indicator, scenarios, now);
    entries.push(entry);
    const sums = uncapped[indicator.id]!;
    for (const k of scenarios) sums[k] = sums[k]! + entry.nats[k]!;
  }
  entries.sort(byMoves);
  return pictureOf(
    watchbook,
    uncapped,
    entries.slice(0, trailLength(options)),
    { counted: unique.size - ignored, ignored },
    now,
  );
}

/** The scenario ids, after checking the watchbook has some and that their priors are positive numbers. */
export function checkedScenarios(watchbook: Pick<Watchbook, 'scenarios'>): string[] {
  if (!watchbook.scenarios[0]) throw new RangeError('scoring: the watchbook has no scenario');
  for (const s of watchbook.scenarios) {
    if (!(s.prior > 0) || !Number.isFinite(s.prior)) {
      throw new RangeError(`scoring: scenario ${s.id} has prior ${s.prior}, expected a positive number`);
    }
  }
  return watchbook.scenarios.map((s) => s.id);
}

export const trailLength = (options: ScoreOptions): number => Math.max(0, options.trail ?? DEFAULT_TRAIL);

type TrailOrder = Pick<TrailEntry, 'moves' | 'publishedAt' | 'cluster' | 'indicator'>;

/** The trail's order: the stories that moved the picture most first; a total order (cluster and indicator are one story). */
export function byMoves(a: TrailOrder, b: TrailOrder): number {
  return (
    b.moves - a.moves ||
    b.publishedAt - a.publishedAt ||
    compare(a.cluster, b.cluster) ||
    compare(a.indicator, b.indicator)
  );
}

/** The state from each indicator's uncapped sums: capped, added to the priors, softmaxed. */
export function pictureOf(
  watchbook: Pick<Watchbook, 'scenarios' | 'indicators'>,
  uncapped: Record<string, Record<string, number>>,
  trail: TrailEntry[],
  counts: { counted: number; ignored: number },
  now: number,
): ScenarioState {
  const scenarios = watchbook.scenarios.map((s) => s.id);
  const reference = watchbook.scenarios[0]!;
  const contributions = perIndicator(watchbook.indicators, scenarios);
  for (const i of watchbook.indicators) {
    for (const k of scenarios) contributions[i.id]![k] = clamp(uncapped[i.id]![k]!, i.cap);
  }
  const priorLogOdds = Object.fromEntries(
    watchbook.scenarios.map((s) => [s.id, Math.log(s.prior) - Math.log(reference.prior)]),
  );
  const logOdds = Object.fromEntries(
    scenarios.map((k) => [
      k,
      watchbook.indicators.reduce((sum, i) => sum + contributions[i.id]![k]!, priorLogOdds[k]!),
    ]),
  );
  return {
    at: now,
    reference: reference.id,
    probabilities: softmax(logOdds),
    logOdds,
    priorLogOdds,
    contributions,
    uncapped,
    trail,
    counted: counts.counted,
    ignored: counts.ignored,
  };
}

/** What weighs in an event whatever the time: all of a trail entry but the decay and what it scales. */
export type EventFacts = Omit<TrailEntry, 'd' | 'nats' | 'moves'>;

/** One event's facts on one indicator: `group` is its evidence, all of that indicator. */
export function eventFacts(group: readonly Evidence[], indicator: Indicator, scenarios: readonly string[]): EventFacts {
  // The ledger hands most events over in order already: checked in one pass, sorted only when not.
  const ordered = isOrdered(group) ? group : [...group].sort(byPublication);
  const first = ordered[0]!;
  const rules = [...new Set(group.map((e) => e.rule))].sort(compare);

  // Per scenario, the weight of largest magnitude; on a tie the first record by (rule, id), as a scan of
  // the records sorted so would find it, without the sort.
  const weights: TrailEntry['weights'] = {};
  for (const k of scenarios) {
    let best = { rule: rules[0]!, nats: 0 };
    let from: Evidence | undefined;
    for (const e of group) {
      const w = e.scenarios[k] ?? 0;
      if (!Number.isFinite(w)) continue;
      const size = Math.abs(w);
      const strongest = Math.abs(best.nats);
      if (size > strongest || (size === strongest && from !== undefined && byRule(e, from) < 0)) {
        best = { rule: e.rule, nats: w };
        from = e;
      }
    }
    weights[k] = best;
  }

  // Each source once, at its highest credibility, in the order the group first names it.
  const credibility = new Map<string, number>();
  for (const e of group)
    credibility.set(e.source, Math.max(credibility.get(e.source) ?? 0, credibilityOf(e.credibility)));
  const q = corroboration(credibility.values());

  let rule = rules[0]!;
  let strongest = 0;
  for (const k of scenarios) {
    const w = weights[k]!;
    if (Math.abs(w.nats) > strongest) {
      strongest = Math.abs(w.nats);
      rule = w.rule;
    }
  }
  return {
    cluster: first.cluster,
    indicator: indicator.id,
    rule,
    rules,
    title: first.title,
    ...(first.url !== undefined && { url: first.url }),
    sources: [...credibility.keys()].sort(compare),
    terms: [...new Set(ordered.flatMap((e) => e.terms))],
    items: new Set(group.map((e) => e.itemKey)).size,
    publishedAt: first.publishedAt,
    q,
    weights,
  };
}

/** An event's trail entry at `now`: its facts, decayed from its earliest publication. */
export function entryAt(
  facts: EventFacts,
  indicator: Indicator,
  scenarios: readonly string[],
  now: number,
): TrailEntry {
  const d = decay(now - facts.publishedAt, indicator.halfLifeMs);
  const nats: Record<string, number> = {};
  let max = -Infinity;
  let min = Infinity;
  for (const k of scenarios) {
    const x = (nats[k] = facts.weights[k]!.nats * facts.q * d);
    max = Math.max(max, x);
    min = Math.min(min, x);
  }
  const moves = scenarios.length ? max - min : 0;
  // Written out rather than spread: the backtest makes a trail at every step.
  const { cluster, rule, rules, title, url, sources, terms, items, publishedAt, q, weights } = facts;
  return url === undefined
    ? {
        cluster,
        indicator: facts.indicator,
        rule,
        rules,
        title,
        sources,
        terms,
        items,
        publishedAt,
        q,
        d,
        weights,
        nats,
        moves,
      }
    : {
        cluster,
        indicator: facts.indicator,
        rule,
        rules,
        title,
        url,
        sources,
        terms,
        items,
        publishedAt,
        q,
        d,
        weights,
        nats,
        moves,
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

export function perIndicator(
  indicators: readonly Indicator[],
  scenarios: readonly string[],
): Record<string, Record<string, number>> {
  return Object.fromEntries(indicators.map((i) => [i.id, Object.fromEntries(scenarios.map((k) => [k, 0]))]));
}

const clamp = (x: number, cap: number): number => Math.min(cap, Math.max(-cap, x));

// Code-unit order, the same on every machine (localeCompare is not).
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byPublication = (a: Evidence, b: Evidence): number => a.publishedAt - b.publishedAt || compare(a.id, b.id);
const byRule = (a: Evidence, b: Evidence): number => compare(a.rule, b.rule) || compare(a.id, b.id);

function isOrdered(group: readonly Evidence[]): boolean {
  for (let i = 1; i < group.length; i++) if (byPublication(group[i - 1]!, group[i]!) > 0) return false;
  return true;
}
