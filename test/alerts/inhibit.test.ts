import { describe, expect, it } from 'vitest';
import { inhibitedBy, mayBeInhibited } from '../../src/alerts/index.js';
import { parseMatcher } from '../../src/config/labels.js';
import type { InhibitRule, LabelMatcher } from '../../src/model/watchbook.js';

// Inhibition as a table, after Alertmanager's inhibit tests (inhibit/inhibit_test.go, TestInhibitRuleMatches):
// a target's labels, the labels of the alerts firing, and whether a rule mutes the target.

const m = (...texts: string[]): LabelMatcher[] => texts.map((t) => parseMatcher(t) as LabelMatcher);
const rule = (source: string[], target: string[], equal: string[] = []): InhibitRule => ({
  sourceMatchers: m(...source),
  targetMatchers: m(...target),
  equal,
});

/** The shipped rule: a scenario firing mutes the high matches that lean the same scenario. */
const SCENARIO = rule(['kind="scenario"', 'severity="high"'], ['kind="match"', 'severity="high"'], ['scenario']);
/** An outage muting every overdue indicator: the rule the docs advise against, as a check of `equal: []`. */
const OUTAGE = rule(['kind="source-health"'], ['kind="indicator"', 'severity="low"']);

const firingRisk = { kind: 'scenario', scenario: 'risk', severity: 'high' };
const clearingRisk = { kind: 'scenario', scenario: 'risk', severity: 'info' };
const highRisk = {
  kind: 'match',
  scenario: 'risk',
  severity: 'high',
  indicator: 'ukraine-polling',
  source: 'kiis-reports',
  rule: 'poll-rejects',
};
const highBaseline = { ...highRisk, scenario: 'baseline' };
const highNoLean = {
  kind: 'match',
  severity: 'high',
  indicator: 'ukraine-polling',
  source: 'kiis-reports',
  rule: 'poll-rejects',
};
const overdue = { kind: 'indicator', indicator: 'ukraine-polling', severity: 'low' };
const outage = { kind: 'source-health', source: 'kiis-reports', severity: 'low' };

type Labels = Record<string, string>;

describe('inhibitedBy', () => {
  // prettier-ignore
  it.each<[string, Labels, Labels[], InhibitRule[], InhibitRule | undefined]>([
    ['a firing scenario mutes a high match leaning the same scenario', highRisk, [firingRisk], [SCENARIO], SCENARIO],
    ['a match leaning another scenario is not muted: equal labels differ', highBaseline, [firingRisk], [SCENARIO], undefined],
    ['a match leaning no scenario is not muted by a scenario that has one', highNoLean, [firingRisk], [SCENARIO], undefined],
    ['a low match is not a target of the rule', { ...highRisk, severity: 'low' }, [firingRisk], [SCENARIO], undefined],
    ['a critical match is not a target of the rule', { ...highRisk, severity: 'critical' }, [firingRisk], [SCENARIO], undefined],
    ['a scenario clearing (info) is not a source', highRisk, [clearingRisk], [SCENARIO], undefined],
    ['nothing firing mutes nothing', highRisk, [], [SCENARIO], undefined],
    ['another firing alert that is no source mutes nothing', highRisk, [highRisk, overdue], [SCENARIO], undefined],
    ['one matching source among others is enough', highRisk, [outage, clearingRisk, firingRisk], [SCENARIO], SCENARIO],
    ['without equal, any firing source mutes every target', overdue, [outage], [OUTAGE], OUTAGE],
    ['a label both lack counts as equal', overdue, [outage], [rule(['kind="source-health"'], ['kind="indicator"'], ['rule'])], rule(['kind="source-health"'], ['kind="indicator"'], ['rule'])],
    ['a label one side lacks is not equal', overdue, [outage], [rule(['kind="source-health"'], ['kind="indicator"'], ['source'])], undefined],
    ['the first rule that mutes is the one named', overdue, [outage, firingRisk], [SCENARIO, OUTAGE], OUTAGE],
    [
      'regex matchers as routes take them',
      highRisk,
      [firingRisk],
      [rule(['kind="scenario"', 'severity=~"high|critical"'], ['kind!~"scenario|source-health"'], ['scenario'])],
      rule(['kind="scenario"', 'severity=~"high|critical"'], ['kind!~"scenario|source-health"'], ['scenario']),
    ],
  ])('%s', (_name, target, firing, rules, want) => {
    expect(inhibitedBy(target, firing, rules)).toEqual(want);
  });

  // Alertmanager: an alert matching both sides is not muted by alerts matching both sides, itself included.
  const BOTH = rule(['severity=~"high|critical"'], ['severity=~"high|critical"', 'kind="match"'], ['scenario']);
  it.each<[string, Labels, Labels[], InhibitRule | undefined]>([
    ['an alert matching both sides does not mute itself', highRisk, [highRisk], undefined],
    ['nor another alert matching both sides', highRisk, [{ ...highRisk, rule: 'other' }], undefined],
    ['but a source matching only the source side mutes it', highRisk, [firingRisk], BOTH],
  ])('%s', (_name, target, firing, want) => {
    expect(inhibitedBy(target, firing, [BOTH])).toEqual(want);
  });
});

describe('mayBeInhibited', () => {
  it.each<[string, Labels, boolean]>([
    ['a target of some rule may be muted', highRisk, true],
    ['an alert no rule targets never is', outage, false],
  ])('%s', (_name, labels, want) => {
    expect(mayBeInhibited(labels, [SCENARIO, OUTAGE])).toBe(want);
  });
});
