// `signpost score`: items as JSON lines in, the rules each matches as JSON lines out.
import { Matcher } from '../rules/index.js';
import { matchInputOf, parseItemLine, readLines } from './item-lines.js';
import { loadOrReport } from './load.js';

/**
 * `signpost score`: one JSON object a line in, one a line out, same order. A bad line is reported on
 * stderr with its number and skipped; the exit code is 1 at the end if there was any.
 */
export async function runScore(path: string, input: string | undefined, explain: boolean): Promise<number> {
  const wb = loadOrReport(path);
  if (!wb) return 1;
  const matcher = new Matcher(wb.rules, wb.cues);
  let bad = 0;
  for await (const { n, line } of readLines(input)) {
    const item = parseItemLine(line);
    if (typeof item === 'string') {
      console.error(`${input ?? 'stdin'}:${n}: ${item}`);
      bad++;
      continue;
    }
    const matches = matcher.match(matchInputOf(item, wb.sources));
    const out = {
      id: item.id ?? null,
      matches: matches.map((m) => ({
        rule: m.rule,
        indicator: m.indicator,
        scenarios: m.scenarios,
        severity: m.severity,
        terms: m.terms,
        ...(m.modifier && { modifier: m.modifier }),
        ...(explain && { hits: m.hits }),
      })),
    };
    if (!process.stdout.write(`${JSON.stringify(out)}\n`)) await new Promise((r) => process.stdout.once('drain', r));
  }
  if (bad) console.error(`${bad} line${bad === 1 ? '' : 's'} could not be scored`);
  return bad ? 1 : 0;
}
