// `signpost eval`: how good the rules are on labelled items, per indicator and per rule.
import type { Watchbook } from '../model/watchbook.js';
import { Matcher } from '../rules/index.js';
import { measureRules, type Labelled, type Measure, type Miss } from '../rules/measure.js';
import { matchInputOf, parseItemLine, readLines } from './item-lines.js';
import { loadOrReport } from './load.js';

/**
 * `signpost eval`: score labelled items (the `score` fields plus `expect`) and report how good the rules
 * are: per indicator and per rule, then the misses. With `--json`, one JSON line per indicator and per
 * rule, and last the summary line. A bad line is reported with its number and skipped; exit code 1 then.
 */
export async function runEval(path: string, input: string | undefined, json: boolean): Promise<number> {
  const wb = loadOrReport(path);
  if (!wb) return 1;
  if (!input) {
    console.error('signpost eval: --input FILE is required (labelled JSON lines, see docs/eval-labels.md)');
    return 2;
  }
  const directions = [...wb.scenarios.map((s) => s.id), 'neutral', 'none'];
  const labelled: Labelled[] = [];
  let bad = 0;
  for await (const { n, line } of readLines(input)) {
    const item = parseItemLine(line);
    const problem = typeof item === 'string' ? item : checkExpect(item.expect, directions);
    if (typeof item === 'string' || problem) {
      console.error(`${input}:${n}: ${problem}`);
      bad++;
      continue;
    }
    const expect = item.expect as { indicators: string[]; direction: string };
    labelled.push({
      id: typeof item.id === 'string' || typeof item.id === 'number' ? String(item.id) : `line ${n}`,
      item: matchInputOf(item, wb.sources),
      ...expect,
    });
  }
  const measure = measureRules(
    labelled,
    new Matcher(wb.rules, wb.cues),
    wb.scenarios.map((s) => s.id),
    wb.indicators.map((i) => i.id),
  );
  if (json) printJson(measure);
  else printText(measure, wb);
  if (bad) console.error(`${bad} line${bad === 1 ? '' : 's'} could not be read`);
  return bad ? 1 : 0;
}

function checkExpect(expect: unknown, directions: string[]): string | undefined {
  if (expect === null || typeof expect !== 'object') return 'the item has no "expect" object';
  const { indicators, direction } = expect as Record<string, unknown>;
  if (!Array.isArray(indicators) || !indicators.every((i) => typeof i === 'string'))
    return '"expect.indicators" must be a list of indicator ids';
  if (typeof direction !== 'string' || !directions.includes(direction))
    return `"expect.direction" must be one of ${directions.join(', ')}`;
  if ((direction === 'none') !== (indicators.length === 0))
    return '"expect.direction" is "none" exactly when "expect.indicators" is empty';
  return undefined;
}

function summary(m: Measure) {
  return {
    precision: m.precision,
    recall: m.recall,
    direction: m.direction,
    wrong_way: m.wrongWay,
    items: m.items,
    directional: m.directional,
  };
}

function printJson(m: Measure): void {
  for (const [indicator, t] of Object.entries(m.indicators)) console.log(JSON.stringify({ indicator, ...t }));
  for (const [rule, t] of Object.entries(m.rules)) console.log(JSON.stringify({ rule, ...t }));
  console.log(JSON.stringify(summary(m)));
}

function printText(m: Measure, wb: Watchbook): void {
  const row = (
    name: string,
    t: { precision: number; recall: number; tp: number; fp: number; fn: number },
    extra = '',
  ) =>
    `  ${name.padEnd(36)} ${t.precision.toFixed(2).padStart(9)} ${t.recall.toFixed(2).padStart(6)} ${String(t.tp).padStart(4)} ${String(t.fp).padStart(4)} ${String(t.fn).padStart(4)}${extra}`;
  const head = (name: string) => `  ${name.padEnd(36)} precision recall   tp   fp   fn`;
  console.log(head('indicator'));
  for (const i of wb.indicators) if (m.indicators[i.id]) console.log(row(i.id, m.indicators[i.id]!));
  console.log(`\n${head('rule')}  matches`);
  for (const [id, t] of Object.entries(m.rules)) console.log(row(id, t, String(t.matches).padStart(9)));
  for (const kind of ['negated', 'hedged'] as const) {
    const k = m.modified[kind];
    if (k.matches) console.log(`  ${kind}: ${k.matches} matches, ${k.relevant} on a labelled indicator`);
  }
  const list = (title: string, misses: Miss[]) => {
    if (misses.length === 0) return;
    console.log(`\n${title} (${misses.length}):`);
    for (const x of misses)
      console.log(
        `  ${x.id}  ${x.what}  ${JSON.stringify(x.title)}${x.matched.length ? `  matched: ${x.matched.join(', ')}` : ''}`,
      );
  };
  list('missed', m.missed);
  list('false alarms', m.falseAlarms);
  list('wrong direction', m.wrongDirection);
  list('wrong-way alerts', m.wrongWayAlerts);
  console.log(
    `\n${m.items} items: precision ${m.precision.toFixed(3)}, recall ${m.recall.toFixed(3)}, direction ${m.direction.toFixed(3)} ` +
      `(${Math.round(m.direction * m.directional)} of ${m.directional}), wrong-way alerts ${m.wrongWay}`,
  );
}
