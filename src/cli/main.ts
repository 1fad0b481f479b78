#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { runScore } from './score.js';
import { runTest } from './test.js';
import { runValidate } from './validate.js';

const USAGE = `Usage: signpost <command> [options]

Commands:
  validate [--config PATH]                check the watchbook; problems as file:line:col: message
  test [--config PATH]                    run the rule tests; last line "N passed, N failed"
  score [--config PATH] [--input FILE]    score items given as JSON lines (stdin by default)
        [--explain]                       add where each term matched

The watchbook is PATH, else $SIGNPOST_CONFIG, else ./config.`;

const commands: Record<string, (opts: Options) => Promise<number> | number> = {
  validate: (o) => runValidate(o.config),
  test: (o) => runTest(o.config),
  score: (o) => runScore(o.config, o.input, o.explain),
};

interface Options {
  config: string;
  input?: string;
  explain: boolean;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command) {
    console.error(USAGE);
    return 2;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  const run = commands[command];
  if (!run) {
    console.error(`signpost: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { config: { type: 'string', short: 'c' }, input: { type: 'string', short: 'i' }, explain: { type: 'boolean' } },
      strict: true,
    }));
  } catch (err) {
    console.error(`signpost ${command}: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  return run({ config: values.config ?? process.env.SIGNPOST_CONFIG ?? 'config', explain: values.explain ?? false, ...(values.input && { input: values.input }) });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`signpost: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
