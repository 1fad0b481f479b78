// `signpost test`: the watchbook's rule unit tests, with their failures and the rules left untested.
import type { Match, MatchInput } from '../model/item.js';
import { Matcher, runRuleTests } from '../rules/index.js';
import { loadOrReport } from './load.js';

export function runTest(path: string): number {
  const wb = loadOrReport(path);
  if (!wb) return 1;
  const report = runRuleTests(wb, new Matcher(wb.rules, wb.cues));
  for (const { test, failures } of report.results) {
    if (failures.length === 0) continue;
    console.log(`FAIL ${test.name} (${test.at})`);
    for (const f of failures) {
      console.log(`  item: ${describeItem(f.item)}`);
      console.log(`    ${f.message}; matched: ${describeMatches(f.matches)}`);
    }
  }
  for (const id of report.untested.positive) console.log(`untested: rule ${id} has no test it must match`);
  for (const id of report.untested.negative) console.log(`untested: rule ${id} has no test it must not match`);
  console.log(`${report.passed} passed, ${report.failed} failed`);
  return report.failed > 0 ? 1 : 0;
}

function describeItem(item: MatchInput): string {
  const extra = [item.source && `source ${item.source}`, item.lang && `lang ${item.lang}`].filter(Boolean).join(', ');
  return `${JSON.stringify(item.title)}${extra ? ` (${extra})` : ''}`;
}

function describeMatches(matches: Match[]): string {
  if (matches.length === 0) return 'nothing';
  return matches.map((m) => `${m.rule} [${m.hits.map((h) => `"${h.text}" in ${h.field}`).join(', ')}]`).join('; ');
}
