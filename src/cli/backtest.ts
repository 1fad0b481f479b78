// `signpost backtest`: recorded feeds or item lines replayed in time order through the whole core.
import { existsSync } from 'node:fs';
import { replay, type ReplayStep } from '../pipeline/replay.js';
import { loadOrReport } from './load.js';
import { progressReporter } from './progress.js';

const pct = (p: number | undefined) => `${((p ?? 0) * 100).toFixed(1)}%`;

/**
 * `signpost backtest --input PATH`: replay recorded feeds or item lines in time order through the whole
 * core. Text by default: each item that moved the picture, with the rules it matched. `--json`: one JSON
 * line per item, then `{"final": {...}, "alerts": [...]}`. Progress (items done, rate, time left) goes to
 * stderr when it is a terminal or `progress` is set; stdout stays the same.
 */
export async function runBacktest(
  config: string,
  input: string | undefined,
  json: boolean,
  progress = false,
): Promise<number> {
  if (!input) {
    console.error('signpost backtest: --input PATH is required (item JSON lines, or recorded feed files)');
    return 2;
  }
  if (!existsSync(input)) {
    console.error(`signpost backtest: ${input} does not exist`);
    return 1;
  }
  const wb = loadOrReport(config);
  if (!wb) return 1;
  const scenarios = wb.scenarios.map((s) => s.id);
  const printStep = (step: ReplayStep) => {
    if (json) return void process.stdout.write(`${JSON.stringify(step)}\n`);
    if (step.matches.length === 0) return;
    const picture = scenarios.map((s) => `${s} ${pct(step.probabilities[s])}`).join(', ');
    console.log(`${step.at}  ${picture}  <- ${step.matches.join(', ')}: ${step.title} (${step.source})`);
  };
  const tty = process.stderr.isTTY === true;
  const report =
    tty || progress ? progressReporter({ label: 'backtest', tty, write: (t) => process.stderr.write(t) }) : undefined;
  const result = await replay(input, wb, (step, done, total) => {
    printStep(step);
    report?.(done, total);
  });
  for (const p of result.problems) console.error(p);
  if (json) {
    process.stdout.write(`${JSON.stringify({ final: result.final, alerts: result.alerts })}\n`);
  } else {
    for (const a of result.alerts) {
      const to = a.silenced ? 'silenced' : a.receivers.length ? `to ${a.receivers.join(', ')}` : 'to no receiver';
      console.log(`alert ${a.at} ${a.kind}: ${a.summary} (${to})`);
    }
    const moved = result.steps.filter((s) => s.matches.length).length;
    console.log(
      `${result.steps.length} items replayed, ${moved} with evidence; final: ${scenarios.map((s) => `${s} ${pct(result.final[s])}`).join(', ')}`,
    );
  }
  return result.problems.length ? 1 : 0;
}
