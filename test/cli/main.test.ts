import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';

describe('signpost: commands and options', () => {
  it('exits 2 with usage on stderr for an unknown command', () => {
    const r = cli(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.err[0]).toBe('signpost: unknown command "frobnicate"');
    expect(r.stderr).toContain('Usage: signpost <command> [options]');
  });

  it('exits 2 with usage when no command is given', () => {
    const r = cli([]);
    expect(r.status).toBe(2);
    expect(r.stdout + r.stderr).toContain('Usage: signpost <command> [options]');
  });

  it('exits 0 with usage on stdout for --help', () => {
    const r = cli(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: signpost <command> [options]');
    for (const command of ['validate', 'test', 'score']) expect(r.stdout).toContain(`  ${command} [--config PATH]`);
  });

  it('exits 2 with usage for an unknown option', () => {
    const r = cli(['validate', '--bogus']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Unknown option '--bogus'");
    expect(r.stderr).toContain('Usage: signpost');
  });

  // prettier-ignore
  it.each(['validate', 'test', 'score', 'backtest', 'eval', 'silence', 'fetch', 'routes', 'digest', 'start', 'worker', 'web'])('%s --help: exits 0 with that command’s usage on stdout', (command) => {
    const r = cli([command, '--help']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`Usage: signpost ${command} [options]`);
    expect(r.stdout).toContain(`\n  ${command}`);
  });

  it('--version prints the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = cli([flag]);
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toBe(`signpost ${pkg.version}`);
    }
  });
});
