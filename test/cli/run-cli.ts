import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Helpers for the CLI tests: they run the built binary (dist/jobs/main.js, from `npm run build`) as a user
// would, from the repository root, so paths in messages are relative to it.

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MAIN = 'dist/jobs/main.js';
export const FIXTURES = 'test/fixtures/cli';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout split into lines, without the empty string after a final newline. */
  out: string[];
  err: string[];
}

const lines = (s: string) => (s === '' ? [] : s.replace(/\n$/, '').split('\n'));

export function cli(args: string[], opts: { input?: string; env?: Record<string, string> } = {}): CliResult {
  if (!existsSync(new URL(`../../${MAIN}`, import.meta.url)))
    throw new Error(`${MAIN} is missing: run "npm run build" first`);
  // A SIGNPOST_CONFIG of the machine running the tests must not change what they read.
  const env = { ...process.env };
  delete env.SIGNPOST_CONFIG;
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { ...env, ...opts.env },
    timeout: 15_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, out: lines(r.stdout), err: lines(r.stderr) };
}

/** JSON lines in, as `signpost score` reads them. */
export const jsonl = (...items: unknown[]) =>
  items.map((i) => (typeof i === 'string' ? i : JSON.stringify(i))).join('\n') + '\n';

/** The same as cli(), without blocking: for tests whose own servers must answer while the CLI runs. */
export async function cliAsync(args: string[]): Promise<CliResult> {
  const { execFile } = await import('node:child_process');
  const env = { ...process.env };
  delete env.SIGNPOST_CONFIG;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { cwd: ROOT, env, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const status = err ? ((err as { code?: number }).code ?? 1) : 0;
        resolve({ status, stdout, stderr, out: lines(stdout), err: lines(stderr) });
      },
    );
  });
}
