import { describe, expect, it } from 'vitest';
import type { Match } from '../../src/model/item.js';
import type { Rule, RuleTest, Watchbook } from '../../src/model/watchbook.js';
import { favouredScenario, Matcher, runRuleTests } from '../../src/rules/index.js';

const SCENARIOS = ['calm', 'storm', 'drift'];

function rule(id: string, match: Rule['match'], evidence: Record<string, number>): Rule {
  return {
    id,
    indicator: 'talks',
    fields: ['title', 'summary', 'content'],
    match,
    evidence: Object.fromEntries(SCENARIOS.map((s) => [s, evidence[s] ?? 0])),
    severity: 'low',
  };
}

const RULES: Rule[] = [
  rule('talks-held', { any: ['talks', 'переговор*'], none: ['Miami Heat'] }, { calm: 0.5 }),
  rule('talks-collapse', { any: ['talk*'], near: { terms: ['collaps*'], within: 3 } }, { storm: 1, calm: -0.2 }),
  rule('poll-rejects', { all: ['poll'], near: { terms: ['reject*'], within: 4 } }, { storm: 0.7 }),
  rule('drift-signal', 'drift', { drift: 0.5, calm: 0.5 }),
];

function test(name: string, t: Partial<RuleTest> & Pick<RuleTest, 'items'>): RuleTest {
  return { name, at: `tests/t.yaml:${name.length}:3`, match: [], noMatch: [], ...t };
}

function watchbook(tests: RuleTest[], rules: Rule[] = RULES): Watchbook {
  return {
    watch: { id: 'fixture', title: 'Fixture', timezone: 'UTC', allowPrivate: false },
    scenarios: SCENARIOS.map((id) => ({ id, title: id, prior: 1 / SCENARIOS.length })),
    indicators: [{ id: 'talks', title: 'Talks', halfLifeMs: 1, cap: 3 }],
    sources: [],
    rules,
    tests,
    routes: { receiver: 'desk', match: {}, continue: false, routes: [] },
    receivers: [],
    silences: [],
    inhibitRules: [],
    timeIntervals: {},
  };
}

const run = (tests: RuleTest[], rules: Rule[] = RULES) => runRuleTests(watchbook(tests, rules), new Matcher(rules));

function match(rule: string, scenarios: Record<string, number>): Match {
  return { rule, indicator: 'talks', scenarios, severity: 'low', terms: [], hits: [] };
}

describe('runRuleTests: passing tests', () => {
  // prettier-ignore
  const passing: [string, RuleTest][] = [
    ['passes a test whose rule matches', test('held', { items: [{ title: 'Talks resume' }], match: ['talks-held'] })],
    ['passes a test whose rule does not match', test('heat', { items: [{ title: 'Miami Heat talks' }], noMatch: ['talks-held'] })],
    ['passes a test with several items that all match', test('many', { items: [{ title: 'talks' }, { title: 'переговори' }], match: ['talks-held'] })],
    ['passes a test with match and no_match together', test('both', { items: [{ title: 'Talks collapsed' }], match: ['talks-collapse', 'talks-held'], noMatch: ['poll-rejects'] })],
    ['passes a scenario test when the matches favour that scenario', test('storm', { items: [{ title: 'Talks collapsed' }], scenario: 'storm' })],
    ['passes a scenario test summed over several rules', test('sum', { items: [{ title: 'talks drift' }], scenario: 'calm' })],
    ['passes a test that reads the summary', test('summary', { items: [{ title: 'x', summary: 'poll: most reject' }], match: ['poll-rejects'] })],
  ];

  it.each(passing)('%s', (_name, t) => {
    const report = run([t]);
    expect(report.results[0]!.failures).toEqual([]);
    expect(report).toMatchObject({ passed: 1, failed: 0 });
  });
});

describe('runRuleTests: failures', () => {
  it('fails a test whose rule does not match, saying so and what matched instead', () => {
    const report = run([test('wrong', { items: [{ title: 'Talks resume' }], match: ['talks-collapse'] })]);
    expect(report).toMatchObject({ passed: 0, failed: 1 });
    const [failure] = report.results[0]!.failures;
    expect(failure!.message).toBe('rule talks-collapse should match but did not');
    expect(failure!.item).toEqual({ title: 'Talks resume' });
    expect(failure!.matches.map((m) => m.rule)).toEqual(['talks-held']);
  });

  it('fails a test whose rule matches when it must not', () => {
    const report = run([test('wrong', { items: [{ title: 'Talks resume' }], noMatch: ['talks-held'] })]);
    expect(report.results[0]!.failures.map((f) => f.message)).toEqual(['rule talks-held should not match but did']);
  });

  it('reports one failure per item and rule', () => {
    const report = run([
      test('two', {
        items: [{ title: 'nothing' }, { title: 'Talks resume' }, { title: 'nothing again' }],
        match: ['talks-held', 'poll-rejects'],
      }),
    ]);
    expect(report.results[0]!.failures.map((f) => [f.item.title, f.message])).toEqual([
      ['nothing', 'rule talks-held should match but did not'],
      ['nothing', 'rule poll-rejects should match but did not'],
      ['Talks resume', 'rule poll-rejects should match but did not'],
      ['nothing again', 'rule talks-held should match but did not'],
      ['nothing again', 'rule poll-rejects should match but did not'],
    ]);
    expect(report).toMatchObject({ passed: 0, failed: 1 });
  });

  it('fails a scenario test whose matches favour another scenario', () => {
    const report = run([test('dir', { items: [{ title: 'Talks resume' }], scenario: 'storm' })]);
    expect(report.results[0]!.failures.map((f) => f.message)).toEqual([
      'should favour scenario storm but favours calm',
    ]);
  });

  it('fails a scenario test when nothing matched (favours none)', () => {
    const report = run([test('none', { items: [{ title: 'nothing here' }], scenario: 'calm' })]);
    expect(report.results[0]!.failures.map((f) => f.message)).toEqual(['should favour scenario calm but favours none']);
  });

  it('fails a scenario test when the summed weights tie', () => {
    // drift-signal gives calm 0.5 and drift 0.5: a tie favours no scenario.
    const report = run([test('tie', { items: [{ title: 'drift' }], scenario: 'drift' })]);
    expect(report.results[0]!.failures.map((f) => f.message)).toEqual([
      'should favour scenario drift but favours none',
    ]);
  });

  it('counts passed and failed tests, not items', () => {
    const report = run([
      test('ok', { items: [{ title: 'talks' }, { title: 'talks again' }], match: ['talks-held'] }),
      test('bad', { items: [{ title: 'talks' }, { title: 'nothing' }], match: ['talks-held'] }),
      test('ok too', { items: [{ title: 'nothing' }], noMatch: ['talks-held'] }),
    ]);
    expect(report).toMatchObject({ passed: 2, failed: 1 });
    expect(report.results.map((r) => [r.test.name, r.failures.length])).toEqual([
      ['ok', 0],
      ['bad', 1],
      ['ok too', 0],
    ]);
  });

  it('gives an empty report for a watchbook without tests', () => {
    const report = run([]);
    expect(report).toMatchObject({ results: [], passed: 0, failed: 0 });
  });
});

describe('runRuleTests: untested rules', () => {
  it('lists rules with no positive example and rules with no negative example, in rule order', () => {
    const report = run([
      test('a', { items: [{ title: 'talks' }], match: ['talks-held'], noMatch: ['poll-rejects'] }),
      test('b', { items: [{ title: 'drift' }], noMatch: ['talks-held'] }),
    ]);
    expect(report.untested.positive).toEqual(['talks-collapse', 'poll-rejects', 'drift-signal']);
    expect(report.untested.negative).toEqual(['talks-collapse', 'drift-signal']);
  });

  it('counts a rule as tested even when its test fails', () => {
    const report = run([test('fails', { items: [{ title: 'nothing' }], match: ['talks-held'] })]);
    expect(report.untested.positive).not.toContain('talks-held');
    expect(report.failed).toBe(1);
  });

  it('does not count a scenario test as a test of any rule', () => {
    const report = run([test('dir', { items: [{ title: 'Talks collapsed' }], scenario: 'storm' })]);
    expect(report.untested.positive).toEqual(RULES.map((r) => r.id));
    expect(report.untested.negative).toEqual(RULES.map((r) => r.id));
  });

  it('lists nothing when every rule is tested both ways', () => {
    const report = run([
      test('pos', {
        items: [{ title: 'Talks collapsed after a poll where most reject it; drift' }],
        match: RULES.map((r) => r.id),
      }),
      test('neg', { items: [{ title: 'nothing' }], noMatch: RULES.map((r) => r.id) }),
    ]);
    expect(report).toMatchObject({ passed: 2, failed: 0, untested: { positive: [], negative: [] } });
  });
});

describe('favouredScenario', () => {
  const cases: [string, Match[], string | undefined][] = [
    ['favours the scenario with the highest summed weight', [match('a', { calm: 0.5, storm: 0.2, drift: 0 })], 'calm'],
    [
      'sums weights over all matches',
      [match('a', { calm: 0.5, storm: 0 }), match('b', { storm: 0.4 }), match('c', { storm: 0.4 })],
      'storm',
    ],
    ['reads negative weights', [match('a', { calm: -1, storm: -0.5, drift: -0.7 })], 'storm'],
    ['counts a scenario a match does not name as 0', [match('a', { calm: -0.2 })], undefined],
    ['favours none on a tie at the top', [match('a', { calm: 0.5, drift: 0.5 })], undefined],
    ['favours none when nothing matched', [], undefined],
    ['favours the leader even when others tie below it', [match('a', { calm: 1, storm: 0.2, drift: 0.2 })], 'calm'],
  ];

  it.each(cases)('%s', (_name, matches, expected) => {
    expect(favouredScenario(matches, SCENARIOS)).toBe(expected);
  });

  it('favours the only scenario of a one-scenario list', () => {
    expect(favouredScenario([], ['calm'])).toBe('calm');
  });
});
