// `npm run test:reliability [-- --full] [-- --only NAME] [-- --skip NAME]`: the fault and attack scenarios of
// reliability/scenarios/, one after another, each bounded by its budget and cleaned up after. Progress and
// each scenario's "expected / saw" go to stderr; the last line on stdout is the suite's JSON (a contract):
//   {"suite":"reliability","scenarios":[{name,expected,processed,lost,duplicated,recovered_s,pass}],"passed":n,"failed":n}
// Exits 1 when any scenario failed. A scenario is one file exporting `scenario: Scenario` (lib/scenario.ts).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { MAIN_JS } from '../test/worker/helpers/processes.js';
import { Scope, type Scenario, type ScenarioResult } from './lib/scenario.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
/** Time a scenario's own deadline leaves before its budget ends, for its tally and cleanup. */
const TALLY_MS = 15_000;
/** Past its budget a scenario is abandoned and failed. */
const OVERRUN_MS = 30_000;

const err = (line: string): boolean => process.stderr.write(`${line}\n`);

async function loadScenarios(): Promise<Scenario[]> {
  const dir = join(HERE, 'scenarios');
  const files = readdirSync(dir)
    .filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))
    .sort();
  const out: Scenario[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { scenario?: Scenario };
    if (!mod.scenario) throw new Error(`reliability: ${f} exports no \`scenario\``);
    out.push(mod.scenario);
  }
  return out;
}

/** The newest modification time under the folders the build reads. */
function newestSource(): number {
  let newest = 0;
  const walk = (p: string): void => {
    const st = statSync(p);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
    else if (p.endsWith('.ts')) newest = Math.max(newest, st.mtimeMs);
  };
  for (const d of ['src', 'jobs']) walk(join(HERE, '..', d));
  return newest;
}

async function runOne(s: Scenario, full: boolean): Promise<ScenarioResult> {
  const budget = full ? s.budgetMs.full : s.budgetMs.scaled;
  const started = Date.now();
  const scope = new Scope();
  const log = (line: string) => err(`[${s.name}] ${line}`);
  const failed = (why: string): ScenarioResult => {
    log(`FAIL: ${why}`);
    return { name: s.name, expected: 0, processed: 0, lost: 0, duplicated: 0, recovered_s: 0, pass: false };
  };
  log(`start (${full ? 'full' : 'scaled'}, budget ${budget / 1000} s)`);
  let timer: NodeJS.Timeout | undefined;
  let result: ScenarioResult;
  try {
    result = await Promise.race([
      s.run({ full, deadline: started + budget - TALLY_MS, scope, log }),
      new Promise<ScenarioResult>(
        (resolve) =>
          (timer = setTimeout(() => resolve(failed(`overran its budget of ${budget / 1000} s`)), budget + OVERRUN_MS)),
      ),
    ]);
  } catch (e) {
    result = failed(`threw: ${(e as Error).stack ?? String(e)}`);
  } finally {
    clearTimeout(timer);
  }
  await scope.close(log);
  log(`${result.pass ? 'PASS' : 'FAIL'} in ${Math.round((Date.now() - started) / 1000)} s: ${JSON.stringify(result)}`);
  return { ...result, name: s.name };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      full: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      skip: { type: 'string', multiple: true },
    },
  });
  const all = await loadScenarios();
  const only = values.only ?? [];
  const skip = values.skip ?? [];
  const unknown = [...only, ...skip].filter((n) => !all.some((s) => s.name === n));
  if (unknown.length) {
    err(`reliability: no scenario ${unknown.join(', ')}; there are ${all.map((s) => s.name).join(', ')}`);
    return 2;
  }
  try {
    if (statSync(MAIN_JS).mtimeMs < newestSource())
      err(`reliability: warning: ${MAIN_JS} is older than src/ or jobs/; run \`npm run build\` first`);
  } catch {
    err(`reliability: ${MAIN_JS} is missing: run \`npm run build\` first`);
    return 2;
  }
  const chosen = (only.length ? all.filter((s) => only.includes(s.name)) : all).filter((s) => !skip.includes(s.name));
  if (skip.length) err(`reliability: skipping ${skip.join(', ')} (asked with --skip)`);
  const started = Date.now();
  const scenarios: ScenarioResult[] = [];
  for (const s of chosen) scenarios.push(await runOne(s, values.full));
  const passed = scenarios.filter((r) => r.pass).length;
  err(`reliability: ${passed} of ${scenarios.length} passed in ${Math.round((Date.now() - started) / 1000)} s`);
  process.stdout.write(
    `${JSON.stringify({ suite: 'reliability', scenarios, passed, failed: scenarios.length - passed })}\n`,
  );
  return passed === scenarios.length ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    err(`reliability: ${(e as Error).stack ?? String(e)}`);
    process.stdout.write(`${JSON.stringify({ suite: 'reliability', scenarios: [], passed: 0, failed: 1 })}\n`);
    process.exit(1);
  },
);
