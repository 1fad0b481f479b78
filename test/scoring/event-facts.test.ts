// eventFacts(): an event's time-free facts do not depend on the order its records come in, and its weights
// are those a scan of the records sorted by (rule, id) finds: the largest magnitude, the first on a tie.
import { describe, expect, it } from 'vitest';
import type { Evidence } from '../../src/model/evidence.js';
import { eventFacts } from '../../src/scoring/score.js';
import { ev, HOUR, NOW, polling } from './build.js';

const SCENARIOS = ['baseline', 'risk', 'collapse'];

/** A small deterministic generator (xorshift32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

function shuffled<T>(list: readonly T[], next: () => number): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = next() % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The weights as a plain reading of the rule: records sorted by (rule, id), the first of largest magnitude. */
function expectedWeights(group: readonly Evidence[]) {
  const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const sorted = [...group].sort((a, b) => order(a.rule, b.rule) || order(a.id, b.id));
  const rules = [...new Set(group.map((e) => e.rule))].sort(order);
  return Object.fromEntries(
    SCENARIOS.map((k) => {
      let best = { rule: rules[0]!, nats: 0 };
      for (const e of sorted) {
        const w = e.scenarios[k] ?? 0;
        if (Number.isFinite(w) && Math.abs(w) > Math.abs(best.nats)) best = { rule: e.rule, nats: w };
      }
      return [k, best];
    }),
  );
}

describe('eventFacts', () => {
  it('gives the same facts in any order, with the first rule by id on a tie in magnitude', () => {
    const next = rng(42);
    // Few distinct magnitudes and signs, so ties are common; a missing or infinite weight now and then.
    const magnitudes = [0, 0.5, 1, -1, -0.5, Infinity, undefined];
    for (let round = 0; round < 200; round++) {
      const group = Array.from({ length: 1 + (next() % 9) }, (_, i) => {
        const scenarios: Record<string, number> = {};
        for (const k of SCENARIOS) {
          const w = magnitudes[next() % magnitudes.length];
          if (w !== undefined) scenarios[k] = w;
        }
        return ev({
          itemKey: `item-${next() % 6}-${i}`,
          rule: `rule-${'abc'[next() % 3]}`,
          source: `source-${next() % 3}`,
          publishedAt: NOW - (next() % 3) * HOUR,
          terms: [`term-${next() % 4}`],
          scenarios,
        });
      });
      const facts = eventFacts(group, polling, SCENARIOS);
      expect(facts.weights).toEqual(expectedWeights(group));
      for (let t = 0; t < 3; t++) expect(eventFacts(shuffled(group, next), polling, SCENARIOS)).toEqual(facts);
    }
  });

  it('reads an event in publication order whether or not it came so', () => {
    const early = ev({ itemKey: 'early', publishedAt: NOW - 2 * HOUR, terms: ['first'], title: 'Early' });
    const late = ev({ itemKey: 'late', publishedAt: NOW, terms: ['second', 'first'], title: 'Late' });
    for (const group of [
      [early, late],
      [late, early],
    ]) {
      const facts = eventFacts(group, polling, SCENARIOS);
      expect(facts.title).toBe('Early');
      expect(facts.publishedAt).toBe(NOW - 2 * HOUR);
      expect(facts.terms).toEqual(['first', 'second']);
    }
  });
});
