import { describe, expect, it } from 'vitest';
import type { Judgement, Verdict } from '../../src/model/feedback.js';
import { flaggedRules, rulePrecision } from '../../src/store/index.js';

const j = (rule: string, verdict: Verdict, user = 'ana'): Judgement => ({
  verdict,
  user,
  at: 0,
  indicator: 'troops',
  rule,
  evidence: `${rule}-${Math.random()}`,
  item: { key: 'k', source: 's', title: 't', publishedAt: 0 },
});
const many = (rule: string, verdicts: Verdict[]) => verdicts.map((v) => j(rule, v));

describe('rule precision from judgements', () => {
  // prettier-ignore
  it.each([
    ['nothing judged', [], []],
    ['all useful', many('r', ['useful', 'useful']), [['r', 2, 1, false]]],
    ['wrong direction counts against the rule', many('r', ['useful', 'wrong-direction']), [['r', 2, 0.5, false]]],
    ['under 0.6 over 5 judgements is flagged', many('r', ['useful', 'useful', 'noise', 'noise', 'wrong-direction']), [['r', 5, 0.4, true]]],
    ['under 0.6 over only 4 is not', many('r', ['useful', 'noise', 'noise', 'noise']), [['r', 4, 0.25, false]]],
    ['exactly 0.6 over 5 is not', many('r', ['useful', 'useful', 'useful', 'noise', 'noise']), [['r', 5, 0.6, false]]],
    ['"should have matched" says nothing of a rule', [{ ...j('r', 'should-match'), rule: undefined }, j('r', 'useful')], [['r', 1, 1, false]]],
    ['rules in id order', [j('b', 'noise'), j('a', 'useful')], [['a', 1, 1, false], ['b', 1, 0, false]]],
  ] as [string, Judgement[], [string, number, number, boolean][]][])('%s', (_name, judgements, want) => {
    expect(rulePrecision(judgements).map((r) => [r.rule, r.judged, r.precision, r.flagged])).toEqual(want);
  });

  it('flaggedRules lists only the flagged ones, and takes its bar and minimum as options', () => {
    const js = [
      ...many('weak', ['noise', 'noise', 'noise', 'useful', 'noise']),
      ...many('fine', ['useful', 'useful', 'useful', 'useful', 'noise']),
    ];
    expect(flaggedRules(js).map((r) => r.rule)).toEqual(['weak']);
    expect(flaggedRules(js, { below: 0.9 }).map((r) => r.rule)).toEqual(['fine', 'weak']);
    expect(flaggedRules(js, { minJudged: 6 })).toEqual([]);
  });
});
