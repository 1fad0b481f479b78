import { describe, expect, it } from 'vitest';
import { cli, FIXTURES } from './run-cli.js';

// `signpost validate`: exit 0 with an ok line; every problem as `file:line:col: message` and exit 1 otherwise.

const PROBLEM = /^[^:\s]+:\d+:\d+: .+$/;

describe('signpost validate: a good watchbook', () => {
  it('exits 0 with one ok line counting what it read (folder)', () => {
    const r = cli(['validate', '--config', `${FIXTURES}/good`]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.out).toEqual([
      `${FIXTURES}/good: ok: 3 scenarios, 2 indicators, 2 sources, 4 rules, 5 tests, 0 receivers`,
    ]);
  });

  it('exits 0 for a watchbook in one file', () => {
    const r = cli(['validate', '--config', `${FIXTURES}/failing.yaml`]);
    expect(r.status).toBe(0);
    expect(r.out).toHaveLength(1);
    expect(r.out[0]).toMatch(
      new RegExp(
        `^${FIXTURES}/failing\\.yaml: ok: 2 scenarios, 1 indicators?, 1 sources?, 3 rules, 3 tests, 0 receivers$`,
      ),
    );
  });

  it('takes -c for --config', () => {
    expect(cli(['validate', '-c', `${FIXTURES}/good`]).status).toBe(0);
  });

  it('reads $SIGNPOST_CONFIG when there is no --config', () => {
    const r = cli(['validate'], { env: { SIGNPOST_CONFIG: `${FIXTURES}/good` } });
    expect(r.status).toBe(0);
    expect(r.out).toEqual([expect.stringMatching(new RegExp(`^${FIXTURES}/good: ok: `))]);
  });

  it('prefers --config over $SIGNPOST_CONFIG', () => {
    const r = cli(['validate', '--config', `${FIXTURES}/good`], { env: { SIGNPOST_CONFIG: `${FIXTURES}/broken` } });
    expect(r.status).toBe(0);
  });
});

describe('signpost validate: a broken watchbook', () => {
  const r = cli(['validate', '--config', `${FIXTURES}/broken`]);
  const problems = r.err.filter((l) => PROBLEM.test(l));
  const BAD = `${FIXTURES}/broken/rules/bad.yaml`;

  it('exits 1 and prints no ok line', () => {
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
  });

  it('reports every problem at once, each as file:line:col: message', () => {
    expect(problems).toEqual([
      expect.stringMatching(new RegExp(`^${BAD}:3:\\d+: unknown indicator "talkz" \\(did you mean "talks"\\?\\)$`)),
      expect.stringMatching(new RegExp(`^${BAD}:9:\\d+: prefix "p\\*" is too short`)),
      expect.stringMatching(new RegExp(`^${BAD}:9:\\d+: nested repetition like \\(a\\+\\)\\+ is not allowed`)),
      expect.stringMatching(new RegExp(`^${BAD}:10:\\d+: unknown scenario "stormy" \\(did you mean "storm"\\?\\)$`)),
    ]);
  });

  it('ends with the number of problems', () => {
    expect(r.err.at(-1)).toBe(`4 problems in ${FIXTURES}/broken`);
  });

  it('reports an unknown key with a suggestion', () => {
    const m = cli(['validate', '--config', `${FIXTURES}/misspelt.yaml`]);
    expect(m.status).toBe(1);
    expect(m.err).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${FIXTURES}/misspelt\\.yaml:\\d+:\\d+: .*unknown key "evidance" \\(did you mean "evidence"\\?\\)$`,
        ),
      ),
    );
    expect(m.err.at(-1)).toBe(`1 problem in ${FIXTURES}/misspelt.yaml`);
  });
});

describe('signpost validate --config with a missing path', () => {
  it('exits 1 saying there is no watchbook there', () => {
    const r = cli(['validate', '--config', `${FIXTURES}/no-such-watchbook`]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.err[0]).toBe(
      `${FIXTURES}/no-such-watchbook:1:1: no watchbook here: ${FIXTURES}/no-such-watchbook does not exist`,
    );
  });

  it('exits 1 for a folder without watchbook.yaml', () => {
    const r = cli(['validate', '--config', `${FIXTURES}/good/rules`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('has no watchbook.yaml');
  });

  it('exits 2 with usage when --config has no value', () => {
    const r = cli(['validate', '--config']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Usage: signpost');
  });
});
