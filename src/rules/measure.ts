// How good a watchbook's rules are on labelled reports (`signpost eval`, docs/eval-labels.md): precision
// and recall of (item, indicator) pairs, the share of directional items whose summed weights lean the
// labelled way, and wrong-way alerts: a high or critical match leaning against the label, or on an item
// labelled not relevant. The alerts that reach a phone are the ones that must not point the wrong way.

import type { Match, MatchInput } from '../model/item.js';
import type { Matcher } from './match.js';
import { favouredScenario } from './run-tests.js';

/** An item with what an analyst says of it: the indicators it bears on and the path it points toward. */
export interface Labelled {
  id: string;
  item: MatchInput;
  /** A scenario id, `neutral` (relevant, leaning neither way) or `none` (not relevant). */
  direction: string;
  indicators: string[];
}

export interface Tally {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

export interface Miss {
  id: string;
  title: string;
  /** The indicator missed or wrongly matched, or the direction expected. */
  what: string;
  /** What matched instead: rule ids, with the cue that changed them. */
  matched: string[];
}

export interface Measure {
  items: number;
  precision: number;
  recall: number;
  /** Share of items labelled with a scenario whose matches favour it. */
  direction: number;
  directional: number;
  wrongWay: number;
  indicators: Record<string, Tally>;
  rules: Record<string, Tally & { matches: number }>;
  /** Matches a negator or hedge changed, and how many of them bear on a labelled indicator. */
  modified: Record<'negated' | 'hedged', { matches: number; relevant: number }>;
  missed: Miss[];
  falseAlarms: Miss[];
  wrongDirection: Miss[];
  wrongWayAlerts: Miss[];
}

const ALERTING = new Set(['high', 'critical']);

export function measureRules(
  labelled: readonly Labelled[],
  matcher: Matcher,
  scenarios: readonly string[],
  indicatorIds: readonly string[],
): Measure {
  const indicators = Object.fromEntries(indicatorIds.map((id) => [id, { tp: 0, fp: 0, fn: 0 }]));
  const rules: Record<string, { tp: number; fp: number; fn: number; matches: number; indicator: string }> = {};
  const modified = { negated: { matches: 0, relevant: 0 }, hedged: { matches: 0, relevant: 0 } };
  const out: Pick<Measure, 'missed' | 'falseAlarms' | 'wrongDirection' | 'wrongWayAlerts'> = {
    missed: [],
    falseAlarms: [],
    wrongDirection: [],
    wrongWayAlerts: [],
  };
  let directional = 0;
  let rightWay = 0;
  let wrongWay = 0;
  const labelledOf: Record<string, number> = {};

  for (const l of labelled) {
    const matches = matcher.match(l.item);
    const matched = matches.map(describe);
    const miss = (what: string): Miss => ({ id: l.id, title: l.item.title, what, matched });
    const expected = new Set(l.indicators);
    const found = new Set(matches.map((m) => m.indicator));
    for (const id of expected) {
      labelledOf[id] = (labelledOf[id] ?? 0) + 1;
      const tally = (indicators[id] ??= { tp: 0, fp: 0, fn: 0 });
      if (found.has(id)) tally.tp++;
      else {
        tally.fn++;
        out.missed.push(miss(id));
      }
    }
    for (const id of found) {
      if (expected.has(id)) continue;
      (indicators[id] ??= { tp: 0, fp: 0, fn: 0 }).fp++;
      out.falseAlarms.push(miss(id));
    }
    const ruleHere = new Set<string>();
    for (const m of matches) {
      if (ruleHere.has(m.rule)) continue;
      ruleHere.add(m.rule);
      const r = (rules[m.rule] ??= { tp: 0, fp: 0, fn: 0, matches: 0, indicator: m.indicator });
      r.matches++;
      if (expected.has(m.indicator)) r.tp++;
      else r.fp++;
      if (m.modifier) {
        const mod = modified[m.modifier.kind];
        mod.matches++;
        if (expected.has(m.indicator)) mod.relevant++;
      }
      if (ALERTING.has(m.severity) && leansAgainst(m, l.direction, scenarios)) {
        wrongWay++;
        out.wrongWayAlerts.push(miss(`${m.rule} (${m.severity}) against ${l.direction}`));
      }
    }
    if (scenarios.includes(l.direction)) {
      directional++;
      if (favouredScenario(matches, scenarios) === l.direction) rightWay++;
      else out.wrongDirection.push(miss(l.direction));
    }
  }

  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const t of Object.values(indicators)) {
    tp += t.tp;
    fp += t.fp;
    fn += t.fn;
  }
  // A rule's recall: of the items labelled with its indicator, the share it matched.
  for (const r of Object.values(rules)) r.fn = (labelledOf[r.indicator] ?? 0) - r.tp;
  return {
    items: labelled.length,
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    direction: ratio(rightWay, directional),
    directional,
    wrongWay,
    indicators: Object.fromEntries(Object.entries(indicators).map(([id, t]) => [id, tally(t)])),
    rules: Object.fromEntries(
      Object.entries(rules)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([id, r]) => [id, { ...tally(r), matches: r.matches }]),
    ),
    modified,
    ...out,
  };
}

/** Whether a match favours a scenario other than the label, or matters at all on an item labelled not relevant. */
function leansAgainst(match: Match, direction: string, scenarios: readonly string[]): boolean {
  if (direction === 'none') return true;
  if (!scenarios.includes(direction)) return false;
  const favoured = favouredScenario([match], scenarios);
  return favoured !== undefined && favoured !== direction;
}

function describe(m: Match): string {
  return m.modifier ? `${m.rule} (${m.modifier.kind} by "${m.modifier.cue}")` : m.rule;
}

function tally(t: { tp: number; fp: number; fn: number }): Tally {
  return { tp: t.tp, fp: t.fp, fn: t.fn, precision: ratio(t.tp, t.tp + t.fp), recall: ratio(t.tp, t.tp + t.fn) };
}

/** A share rounded to three places; 1 when there is nothing to count (no prediction is no wrong one). */
function ratio(n: number, d: number): number {
  return d === 0 ? 1 : Math.round((n / d) * 1000) / 1000;
}
