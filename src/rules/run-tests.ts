// Rule unit tests in the spirit of `promtool test rules`: each test gives items and says which rules must
// and must not match them, and optionally which scenario their summed weights must favour.

import type { Match, MatchInput } from '../model/item.js';
import type { RuleTest, Watchbook } from '../model/watchbook.js';
import type { Matcher } from './match.js';

export interface TestFailure {
  item: MatchInput;
  message: string;
  /** What matched the item, for "what matched instead". */
  matches: Match[];
}

export interface TestResult {
  test: RuleTest;
  failures: TestFailure[];
}

export interface TestReport {
  results: TestResult[];
  passed: number;
  failed: number;
  /** Rules with no test that expects them to match, and with none that expects them not to. */
  untested: { positive: string[]; negative: string[] };
}

export function runRuleTests(watchbook: Watchbook, matcher: Matcher): TestReport {
  const results = watchbook.tests.map((test) => ({ test, failures: runTest(test, matcher, watchbook) }));
  const covered = (key: 'match' | 'noMatch') => new Set(watchbook.tests.flatMap((t) => t[key]));
  const positive = covered('match');
  const negative = covered('noMatch');
  const failed = results.filter((r) => r.failures.length > 0).length;
  return {
    results,
    passed: results.length - failed,
    failed,
    untested: {
      positive: watchbook.rules.filter((r) => !positive.has(r.id)).map((r) => r.id),
      negative: watchbook.rules.filter((r) => !negative.has(r.id)).map((r) => r.id),
    },
  };
}

function runTest(test: RuleTest, matcher: Matcher, watchbook: Watchbook): TestFailure[] {
  const failures: TestFailure[] = [];
  for (const item of test.items) {
    const matches = matcher.match(item);
    const matched = new Set(matches.map((m) => m.rule));
    for (const rule of test.match) {
      if (!matched.has(rule)) failures.push({ item, matches, message: `rule ${rule} should match but did not` });
    }
    for (const rule of test.noMatch) {
      if (matched.has(rule)) failures.push({ item, matches, message: `rule ${rule} should not match but did` });
    }
    if (test.scenario) {
      const favoured = favouredScenario(
        matches,
        watchbook.scenarios.map((s) => s.id),
      );
      if (favoured !== test.scenario) {
        failures.push({
          item,
          matches,
          message: `should favour scenario ${test.scenario} but ${favoured ? `favours ${favoured}` : 'favours none'}`,
        });
      }
    }
  }
  return failures;
}

/** The scenario whose summed weight is strictly the highest, if one is. */
export function favouredScenario(matches: readonly Match[], scenarios: readonly string[]): string | undefined {
  const sums = scenarios.map((s) => matches.reduce((sum, m) => sum + (m.scenarios[s] ?? 0), 0));
  const best = Math.max(...sums);
  const leaders = scenarios.filter((_, i) => sums[i] === best);
  return leaders.length === 1 ? leaders[0] : undefined;
}
