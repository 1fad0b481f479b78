import { describe, expect, it } from 'vitest';
import { fingerprint, NEAR_DUPLICATE_BITS } from '../../src/items/index.js';
import type { Evidence } from '../../src/model/evidence.js';
import { assignCluster, scoreScenarios } from '../../src/scoring/index.js';
import { asText, en } from '../items/news-stories.js';
import { APART, book, copies, DAY, decayApart, ev, nato, NOW, polling } from './build.js';

const PRIOR_RISK = Math.log(0.4 / 0.6);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const score = (evidence: Evidence[], now = NOW) => scoreScenarios(evidence, book, now);
const riskNats = (evidence: Evidence[], indicator = polling.id) => score(evidence).contributions[indicator]!.risk!;

describe('scoreScenarios: priors', () => {
  it('gives the priors when there is no evidence', () => {
    const s = score([]);
    expect(s.probabilities.baseline).toBeCloseTo(0.6, 12);
    expect(s.probabilities.risk).toBeCloseTo(0.4, 12);
    expect(s.reference).toBe('baseline');
    expect(s.logOdds).toEqual({ baseline: 0, risk: PRIOR_RISK });
    expect(s.priorLogOdds).toEqual(s.logOdds);
    expect(s.contributions).toEqual({ [polling.id]: { baseline: 0, risk: 0 }, [nato.id]: { baseline: 0, risk: 0 } });
    expect(s.trail).toEqual([]);
    expect(s.at).toBe(NOW);
  });

  it('rejects a watchbook without scenarios', () => {
    expect(() => scoreScenarios([], { scenarios: [], indicators: [] }, NOW)).toThrow(
      /^scoring: the watchbook has no scenario/,
    );
  });
});

describe('scoreScenarios: probabilities', () => {
  const three = {
    scenarios: [
      { id: 'a', title: 'A', prior: 0.5 },
      { id: 'b', title: 'B', prior: 0.3 },
      { id: 'c', title: 'C', prior: 0.2 },
    ],
    indicators: [polling],
  };
  const table: [name: string, evidence: Evidence[], wb: typeof book][] = [
    ['no evidence', [], book],
    ['one strong story for risk', [ev()], book],
    ['stories both ways', [ev(), ev({ scenarios: { baseline: 0.5, risk: -1 } })], book],
    ['a capped flood', Array.from({ length: 50 }, () => ev()), book],
    [
      'three scenarios with mixed weights',
      [ev({ scenarios: { a: -1, b: 0.5, c: 2 } }), ev({ scenarios: { a: 0.3, b: -0.2, c: 0 } })],
      three,
    ],
  ];
  it.each(table)('sum to 1 (%s)', (_, evidence, wb) => {
    const p = Object.values(scoreScenarios(evidence, wb, NOW).probabilities);
    expect(p).toHaveLength(wb.scenarios.length);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (const x of p) expect(x).toBeGreaterThan(0);
  });

  it('are the softmax of the log-odds: prior log-odds plus the evidence', () => {
    const s = score([ev()]);
    expect(s.logOdds.risk).toBeCloseTo(PRIOR_RISK + 0.9, 12);
    expect(s.probabilities.risk).toBeCloseTo(sigmoid(PRIOR_RISK + 0.9), 12);
  });
});

describe('scoreScenarios: direction', () => {
  const table: [name: string, scenarios: Record<string, number>, moves: 'up' | 'down' | 'none'][] = [
    ['risk-favouring evidence raises p(risk)', { baseline: 0, risk: 1 }, 'up'],
    ['evidence against risk lowers p(risk)', { baseline: 0, risk: -0.5 }, 'down'],
    ['baseline-favouring evidence lowers p(risk)', { baseline: 1, risk: 0 }, 'down'],
    ['evidence equally consistent with both moves nothing', { baseline: 0.5, risk: 0.5 }, 'none'],
  ];
  it.each(table)('%s', (_, scenarios, moves) => {
    const p = score([ev({ scenarios })]).probabilities.risk!;
    if (moves === 'up') expect(p).toBeGreaterThan(0.4);
    if (moves === 'down') expect(p).toBeLessThan(0.4);
    if (moves === 'none') expect(p).toBeCloseTo(0.4, 12);
  });
});

describe('scoreScenarios: corroboration', () => {
  it.each([1, 2, 5, 20])('counts %i copies from the same source as one: q stays 0.9', (count) => {
    const s = score(copies(count, [['a', 0.9]]));
    expect(s.trail).toHaveLength(1);
    expect(s.trail[0]!.q).toBeCloseTo(0.9, 12);
    expect(s.trail[0]!.items).toBe(count);
    expect(s.contributions[polling.id]!.risk).toBeCloseTo(0.9, 12);
  });

  // prettier-ignore
  const table: [name: string, sources: [string, number][], q: number][] = [
    ['two independent sources of 0.9 give 0.99', [['a', 0.9], ['b', 0.9]], 0.99],
    ['twenty copies from two sources of 0.9 still give 0.99', Array.from({ length: 20 }, (_, i): [string, number] => [i % 2 ? 'a' : 'b', 0.9]), 0.99],
    ['five sources of 0.9 stay below 1', ['a', 'b', 'c', 'd', 'e'].map((s): [string, number] => [s, 0.9]), 1 - 0.1 ** 5],
    ['a source of credibility 0 corroborates nothing', [['a', 0.6], ['junk', 0]], 0.6],
  ];
  it.each(table)('%s', (_, sources, q) => {
    const s = score(copies(sources.length, sources));
    expect(s.trail[0]!.q).toBeCloseTo(q, 12);
    expect(s.trail[0]!.q).toBeLessThanOrEqual(1);
    expect(s.contributions[polling.id]!.risk).toBeCloseTo(q, 12);
  });

  it('takes a source once, at its highest recorded credibility', () => {
    const s = score([ev({ cluster: 'x', credibility: 0.5 }), ev({ cluster: 'x', credibility: 0.8 })]);
    expect(s.trail[0]!.q).toBeCloseTo(0.8, 12);
    expect(s.trail[0]!.sources).toEqual(['a']);
  });

  it('counts a syndicated story once: copies clustered by fingerprint corroborate instead of adding up', () => {
    const recent: { cluster: string; fingerprint: string }[] = [];
    const evidence = [en.original, en.reworded, en.appended, en.retitled].map((story, i) => {
      const fp = fingerprint(asText(story));
      const cluster = assignCluster(fp, recent, NEAR_DUPLICATE_BITS);
      recent.push({ cluster, fingerprint: fp });
      return ev({ itemKey: `outlet-${i}`, source: `outlet-${i}`, credibility: 0.5, cluster, title: story.title });
    });
    const s = score(evidence);
    expect(s.trail).toHaveLength(1);
    expect(s.trail[0]!.items).toBe(4);
    expect(s.trail[0]!.title).toBe(en.original.title);
    expect(s.contributions[polling.id]!.risk).toBeCloseTo(1 - 0.5 ** 4, 12); // not 4 × 0.5
  });
});

describe('scoreScenarios: decay', () => {
  const table: [name: string, ageDays: number, d: number][] = [
    ['weighs a story of today fully', 0, 1],
    ['halves a story one half-life old', 30, 0.5],
    ['quarters a story two half-lives old', 60, 0.25],
  ];
  it.each(table)('%s', (_, ageDays, d) => {
    const s = score([ev({ publishedAt: NOW - ageDays * DAY })]);
    expect(s.trail[0]!.d).toBeCloseTo(d, 12);
    expect(s.contributions[polling.id]!.risk).toBeCloseTo(0.9 * d, 12);
  });

  it('measures age from the earliest copy: a later copy corroborates but does not refresh the story', () => {
    const s = score([
      ev({ cluster: 'x', publishedAt: NOW - 30 * DAY }),
      ev({ cluster: 'x', source: 'b', publishedAt: NOW }),
    ]);
    expect(s.trail[0]!.d).toBeCloseTo(0.5, 12);
    expect(s.trail[0]!.q).toBeCloseTo(0.99, 12);
    expect(s.trail[0]!.publishedAt).toBe(NOW - 30 * DAY);
  });
});

describe('scoreScenarios: the per-indicator cap', () => {
  // Separate events (APART), each decayed by its age: 100 small ones add up to about 4 nats uncapped.
  const flood = (scenarios: Record<string, number>) =>
    Array.from({ length: 100 }, (_, i) => ev({ scenarios, publishedAt: NOW - i * APART }));
  const floodTotal = Array.from({ length: 100 }, (_, i) => 0.3 * 0.9 * decayApart(i)).reduce((a, b) => a + b, 0);
  const table: [name: string, evidence: Evidence[], capped: number, uncapped: number][] = [
    ['a flood of 100 small events for risk stops at +cap', flood({ baseline: 0, risk: 0.3 }), 3, floodTotal],
    ['a flood of 100 small events against risk stops at −cap', flood({ baseline: 0, risk: -0.3 }), -3, -floodTotal],
    [
      'a total under the cap passes unchanged',
      [ev(), ev({ publishedAt: NOW - APART })],
      0.9 + 0.9 * decayApart(1),
      0.9 + 0.9 * decayApart(1),
    ],
  ];
  it.each(table)('%s', (_, evidence, capped, uncapped) => {
    const s = score(evidence);
    expect(s.contributions[polling.id]!.risk).toBeCloseTo(capped, 12);
    expect(s.uncapped[polling.id]!.risk).toBeCloseTo(uncapped, 9);
    expect(s.logOdds.risk).toBeCloseTo(PRIOR_RISK + capped, 12);
  });

  it('caps each indicator on its own: two indicators can add up to twice the cap', () => {
    const flood = (indicator: string) =>
      Array.from({ length: 40 }, (_, i) => ev({ indicator, publishedAt: NOW - i * APART }));
    const s = score([...flood(polling.id), ...flood(nato.id)]);
    expect(s.contributions[polling.id]!.risk).toBe(3);
    expect(s.contributions[nato.id]!.risk).toBe(3);
    expect(s.logOdds.risk).toBeCloseTo(PRIOR_RISK + 6, 12);
  });
});

describe('scoreScenarios: one story, several rules', () => {
  const story = (rules: [rule: string, risk: number][]) =>
    rules.map(([rule, r]) => ev({ itemKey: 'article', cluster: 'x', rule, scenarios: { baseline: 0, risk: r } }));
  // prettier-ignore
  const table: [name: string, rules: [string, number][], w: number, rule: string][] = [
    ['takes the strongest rule, not the sum', [['poll-mentions', 0.5], ['poll-rejects', 1]], 1, 'poll-rejects'],
    ['takes the largest magnitude when rules disagree', [['poll-accepts', 0.5], ['poll-rejects', -1]], -1, 'poll-rejects'],
    ['takes the first rule by id on a tie in magnitude', [['b-rule', -0.5], ['a-rule', 0.5]], 0.5, 'a-rule'],
  ];
  it.each(table)('%s', (_, rules, w, rule) => {
    const s = score(story(rules));
    expect(s.contributions[polling.id]!.risk).toBeCloseTo(w * 0.9, 12);
    expect(s.trail).toHaveLength(1);
    expect(s.trail[0]!.weights.risk).toEqual({ rule, nats: w });
    expect(s.trail[0]!.rule).toBe(rule);
    expect(s.trail[0]!.rules).toEqual(rules.map(([r]) => r).sort());
  });

  it('takes the largest weight per scenario, across copies of the story as well', () => {
    const s = score([
      ev({ cluster: 'x', rule: 'r1', scenarios: { baseline: 0.3, risk: 0 } }),
      ev({ cluster: 'x', source: 'b', rule: 'r2', scenarios: { baseline: 0, risk: 1 } }),
    ]);
    expect(s.trail[0]!.weights).toEqual({ baseline: { rule: 'r1', nats: 0.3 }, risk: { rule: 'r2', nats: 1 } });
  });

  it('counts two different events matched by one rule twice', () => {
    expect(riskNats([ev({ cluster: 'x' }), ev({ cluster: 'y', publishedAt: NOW - APART })])).toBeCloseTo(
      0.9 + 0.9 * decayApart(1),
      12,
    );
  });

  it('counts two outlets reporting one event in their own words once', () => {
    expect(riskNats([ev({ cluster: 'x' }), ev({ cluster: 'y', source: 'b', credibility: 0.5 })])).toBeCloseTo(0.95, 12);
  });

  it('counts a story once for each indicator it bears on', () => {
    const s = score([ev({ cluster: 'x' }), ev({ cluster: 'x', rule: 'nato-rule', indicator: nato.id })]);
    expect(s.contributions[polling.id]!.risk).toBeCloseTo(0.9, 12);
    expect(s.contributions[nato.id]!.risk).toBeCloseTo(0.9, 12);
  });
});

describe('scoreScenarios: what is left out', () => {
  const table: [name: string, evidence: Evidence[], counted: number, ignored: number, risk: number][] = [
    ['ignores evidence published after now', [ev({ publishedAt: NOW + 1 })], 0, 1, 0],
    ['counts evidence published exactly at now', [ev({ publishedAt: NOW })], 1, 0, 0.9],
    ['ignores evidence of an indicator not in the watchbook', [ev({ indicator: 'gone' })], 0, 1, 0],
    ['ignores evidence without a publication time', [ev({ publishedAt: Number.NaN })], 0, 1, 0],
    ['counts a record written twice (a rerun) once', [ev({ itemKey: 'k' }), ev({ itemKey: 'k' })], 1, 0, 0.9],
    ['reads a scenario the rule does not name as 0', [ev({ scenarios: { risk: 1 } })], 1, 0, 0.9],
  ];
  it.each(table)('%s', (_, evidence, counted, ignored, risk) => {
    const s = score(evidence);
    expect(s.counted).toBe(counted);
    expect(s.ignored).toBe(ignored);
    expect(s.contributions[polling.id]!.risk).toBeCloseTo(risk, 12);
    expect(s.contributions[polling.id]!.baseline).toBe(0);
  });

  it('gives the priors back when all the evidence is in the future', () => {
    const s = score([ev({ publishedAt: NOW + DAY }), ev({ publishedAt: NOW + 1 })]);
    expect(s.probabilities.risk).toBeCloseTo(0.4, 12);
  });
});

describe('scoreScenarios: explanation', () => {
  it('lists the stories that moved the picture most first, with rule, title, sources, q, d and nats', () => {
    const s = score([
      ev({
        cluster: 'small',
        scenarios: { baseline: 0, risk: 0.2 },
        title: 'Small',
        terms: ['poll'],
        publishedAt: NOW - 2 * APART,
      }),
      ev({
        cluster: 'big',
        itemKey: 'big-1',
        rule: 'poll-rejects',
        title: 'Big',
        url: 'https://example.org/big',
        terms: ['poll', 'reject*'],
      }),
      ev({
        cluster: 'big',
        itemKey: 'big-2',
        source: 'b',
        credibility: 0.5,
        publishedAt: NOW - DAY,
        title: 'Big (copy)',
        terms: ['survey'],
      }),
      ev({ cluster: 'against', scenarios: { baseline: 0, risk: -0.5 }, title: 'Against' }),
    ]);
    expect(s.trail.map((t) => t.cluster)).toEqual(['big', 'against', 'small']);
    const big = s.trail[0]!;
    const d = 2 ** (-1 / 30);
    expect(big).toMatchObject({
      cluster: 'big',
      indicator: polling.id,
      rule: 'poll-rejects',
      rules: ['poll-rejects'],
      title: 'Big (copy)', // the earliest item
      sources: ['a', 'b'],
      terms: ['survey', 'poll', 'reject*'],
      items: 2,
      publishedAt: NOW - DAY,
      weights: { baseline: { rule: 'poll-rejects', nats: 0 }, risk: { rule: 'poll-rejects', nats: 1 } },
    });
    expect(big.url).toBeUndefined(); // the earliest item had none
    expect(big.q).toBeCloseTo(0.95, 12);
    expect(big.d).toBeCloseTo(d, 12);
    expect(big.nats.risk).toBeCloseTo(0.95 * d, 12);
    expect(big.moves).toBeCloseTo(0.95 * d, 12);
    expect(s.trail[1]!.nats.risk).toBeCloseTo(-0.45, 12);
  });

  it('keeps as many stories in the trail as asked', () => {
    const evidence = Array.from({ length: 30 }, (_, i) => ev({ publishedAt: NOW - i * APART }));
    expect(scoreScenarios(evidence, book, NOW).trail).toHaveLength(10);
    expect(scoreScenarios(evidence, book, NOW, { trail: 3 }).trail).toHaveLength(3);
  });

  it('adds up: prior log-odds plus the contributions give the log-odds', () => {
    const s = score([ev(), ev({ indicator: nato.id, scenarios: { baseline: 0.4, risk: -0.3 } })]);
    for (const k of ['baseline', 'risk']) {
      const sum = Object.values(s.contributions).reduce((acc, c) => acc + c[k]!, s.priorLogOdds[k]!);
      expect(s.logOdds[k]).toBeCloseTo(sum, 12);
    }
  });

  it('does not depend on the order of the evidence', () => {
    const evidence = [
      ...copies(
        3,
        [
          ['a', 0.7],
          ['b', 0.4],
        ],
        { publishedAt: NOW - 3 * DAY },
      ),
      ev({ cluster: 'y', scenarios: { baseline: 0.1, risk: -0.7 } }),
      ev({ cluster: 'y', rule: 'other', scenarios: { baseline: 0, risk: 0.9 }, publishedAt: NOW - DAY }),
      ev({ indicator: nato.id, publishedAt: NOW - 10 * DAY }),
    ];
    expect(score([...evidence].reverse())).toEqual(score(evidence));
  });
});
