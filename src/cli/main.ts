// The `signpost` command: parse the arguments and run one command; the process entry is jobs/main.ts.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Roles } from './roles.js';

const USAGE = `Usage: signpost <command> [options]

Commands (signpost <command> --help shows one; signpost --version the version):
  validate [--config PATH]                check the watchbook; problems as file:line:col: message
  test [--config PATH]                    run the rule tests; last line "N passed, N failed"
  score [--config PATH] [--input FILE]    score items given as JSON lines (stdin by default)
        [--explain]                       add where each term matched
  backtest --input PATH [--config PATH] [--json] [--progress]
                                          replay recorded feeds or item lines through the core; progress
                                          on stderr when it is a terminal or with --progress
  eval --input FILE [--config PATH] [--json]
                                          measure the rules on labelled items: precision, recall, direction
  start [--config PATH]                   run Signpost: poll sources, score items, keep the picture, and serve
                                          the web role on $PORT (default 8080) (needs Redis)
  worker [--config PATH]                  the worker role only; run several to share the work
  web [--config PATH]                     the web role only on $PORT: overview, /queues, /metrics, /healthz, /readyz
  routes test label=value ...             the receivers an alert with these labels reaches
        [--expect RECEIVER,...]           exit 1 unless they are exactly these, in order (for CI)
  routes show [--config PATH]             the route tree: matchers, receivers, group_by, timers
  alerts list [MATCHER ...]               firing alerts in their groups (needs Redis): id, state, since,
                                          receivers, labels; MATCHER: label=value, !=, =~regex, !~regex
  digest --preview RECEIVER               the receiver's next digest, text and HTML, not sent (needs Redis)
  silence add label=value ... --ends 2h --author NAME --comment TEXT
  silence list [MATCHER ...] [--expired] silences kept in Redis, beside the watchbook's: active and
                                          pending ones, or the expired ones
  silence expire ID                       end a silence now
  feedback export [--since DATE]          the analysts' judgements from the overview as eval input lines
                                          (needs Redis)
  fetch SOURCE_ID [--config PATH]         fetch a source once; one JSON line per item
  fetch --url URL [--type rss|html|json] [--select JSON] [--allow-private] [--timeout 10s]
                                          try an address (and selectors) before adding it

The watchbook is PATH, else $SIGNPOST_CONFIG, else ./config. Redis is $REDIS_URL, else redis://127.0.0.1:6379.
The overview and /queues need $SIGNPOST_WEB_USER and $SIGNPOST_WEB_PASSWORD (basic auth); $SIGNPOST_WEB_ADMIN
(user:password) also opens the writable job board at /queues/admin.`;

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | undefined>;

// Each command loads only what it needs: `score` starts without loading BullMQ and the HTTP stack.
interface Command {
  options: Options;
  positionals?: boolean;
  run(values: Values, positionals: string[], config: string, roles: Roles): Promise<number> | number;
}

const CONFIG: Options = { config: { type: 'string', short: 'c' } };

// prettier-ignore
const commands: Record<string, Command> = {
  validate: { options: CONFIG, run: async (_v, _p, config) => (await import('./validate.js')).runValidate(config) },
  test: { options: CONFIG, run: async (_v, _p, config) => (await import('./test.js')).runTest(config) },
  score: {
    options: { ...CONFIG, input: { type: 'string', short: 'i' }, explain: { type: 'boolean' } },
    run: async (v, _p, config) => (await import('./score.js')).runScore(config, v.input as string | undefined, v.explain === true),
  },
  start: { options: CONFIG, run: async (_v, _p, config, roles) => (await import('./worker.js')).runWorker(config, roles, { web: true }) },
  worker: { options: CONFIG, run: async (_v, _p, config, roles) => (await import('./worker.js')).runWorker(config, roles) },
  web: { options: CONFIG, run: async (_v, _p, config) => (await import('./web.js')).runWeb(config) },
  routes: {
    options: { ...CONFIG, expect: { type: 'string' } },
    positionals: true,
    run: async (v, p, config) => (await import('./routes.js')).runRoutes(config, p, v.expect as string | undefined),
  },
  alerts: { options: CONFIG, positionals: true, run: async (_v, p, config) => (await import('./alerts.js')).runAlerts(config, p) },
  silence: {
    options: { ...CONFIG, ends: { type: 'string' }, starts: { type: 'string' }, author: { type: 'string' }, comment: { type: 'string' }, expired: { type: 'boolean' } },
    positionals: true,
    run: async (v, p, config) => (await import('./silence.js')).runSilence(p, v, config),
  },
  digest: {
    options: { ...CONFIG, preview: { type: 'string' } },
    run: async (v, _p, config) => (await import('./digest.js')).runDigest(config, v.preview as string | undefined, v.preview !== undefined),
  },
  backtest: {
    options: { ...CONFIG, input: { type: 'string', short: 'i' }, json: { type: 'boolean' }, progress: { type: 'boolean' } },
    run: async (v, _p, config) => (await import('./backtest.js')).runBacktest(config, v.input as string | undefined, v.json === true, v.progress === true),
  },
  eval: {
    options: { ...CONFIG, input: { type: 'string', short: 'i' }, json: { type: 'boolean' } },
    run: async (v, _p, config) => (await import('./eval.js')).runEval(config, v.input as string | undefined, v.json === true),
  },
  feedback: {
    options: { since: { type: 'string' } },
    positionals: true,
    run: async (v, p) => (await import('./feedback.js')).runFeedback(p, v.since as string | undefined),
  },
  fetch: {
    options: {
      ...CONFIG,
      url: { type: 'string' },
      type: { type: 'string' },
      select: { type: 'string' },
      'allow-private': { type: 'boolean' },
      timeout: { type: 'string' },
    },
    positionals: true,
    run: async (v, p, config) => (await import('./fetch.js')).runFetch(config, p, v),
  },
};

/** Run `signpost ...argv`; the exit code. `roles` are the parts the library does not own (the worker). */
export async function main(argv: string[], roles: Roles): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    console.error(USAGE);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    console.log(`signpost ${version()}`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`signpost: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(commandUsage(name));
    return 0;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: command.options,
      strict: true,
      allowPositionals: command.positionals ?? false,
    });
  } catch (err) {
    console.error(`signpost ${name}: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const values = parsed.values as Values;
  const config = (values.config as string | undefined) ?? process.env.SIGNPOST_CONFIG ?? 'config';
  return command.run(values, parsed.positionals, config, roles);
}

/** The usage lines of one command (with their continuations), as the full usage gives them. */
function commandUsage(name: string): string {
  const lines = USAGE.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith(`  ${name} `) && lines[i] !== `  ${name}`) continue;
    out.push(lines[i]!);
    while (lines[i + 1]?.startsWith('        ')) out.push(lines[++i]!);
  }
  return `Usage: signpost ${name} [options]\n\n${out.join('\n')}`;
}

/** The version of package.json, found from the source (tsx) or the build (dist/src/cli). */
function version(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    const file = new URL(up, import.meta.url);
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'signpost' && pkg.version) return pkg.version;
    }
  }
  return 'unknown';
}
