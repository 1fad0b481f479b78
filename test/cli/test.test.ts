import { describe, expect, it } from 'vitest';
import { cli, FIXTURES } from './run-cli.js';

// `signpost test`: runs the rule tests; prints each failure with the test, the rule, the item and what
// matched instead; lists untested rules; last line exactly `N passed, N failed`; exit 1 on any failure.

describe('signpost test: a watchbook whose tests pass', () => {
  const r = cli(['test', '--config', `${FIXTURES}/good`]);

  it('exits 0', () => {
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('ends with exactly "N passed, 0 failed" (folder tests and inline rule examples)', () => {
    // tests/talks.yaml has 3 tests; poll-rejects has one inline example and one counter-example.
    expect(r.out.at(-1)).toBe('5 passed, 0 failed');
  });

  it('prints no FAIL line', () => {
    expect(r.out.filter((l) => l.startsWith('FAIL'))).toEqual([]);
  });

  it('lists the untested rule both ways, and no other', () => {
    expect(r.out.filter((l) => l.startsWith('untested:'))).toEqual([
      'untested: rule year-mentioned has no test it must match',
      'untested: rule year-mentioned has no test it must not match',
    ]);
  });

  it('reads $SIGNPOST_CONFIG when there is no --config', () => {
    const viaEnv = cli(['test'], { env: { SIGNPOST_CONFIG: `${FIXTURES}/good` } });
    expect(viaEnv.status).toBe(0);
    expect(viaEnv.out.at(-1)).toBe('5 passed, 0 failed');
  });
});

describe('signpost test: a watchbook with failing tests', () => {
  const FILE = `${FIXTURES}/failing.yaml`;
  const r = cli(['test', '--config', FILE]);

  it('exits 1', () => {
    expect(r.status).toBe(1);
  });

  it('ends with exactly "1 passed, 2 failed"', () => {
    expect(r.out.at(-1)).toBe('1 passed, 2 failed');
  });

  it('prints FAIL with the test name and where the test is written, for each failing test only', () => {
    expect(r.out.filter((l) => l.startsWith('FAIL'))).toEqual([
      expect.stringMatching(new RegExp(`^FAIL collapse expected but only talks matched \\(${FILE}:\\d+:\\d+\\)$`)),
      expect.stringMatching(new RegExp(`^FAIL calm expected but storm favoured \\(${FILE}:\\d+:\\d+\\)$`)),
    ]);
    expect(r.stdout).not.toContain('FAIL passing test');
  });

  it('prints the item, the rule that should have matched, and what matched instead', () => {
    const at = r.out.findIndex((l) => l.startsWith('FAIL collapse expected'));
    expect(r.out.slice(at + 1, at + 3)).toEqual([
      '  item: "Talks resume after a pause" (source wire)',
      '    rule talks-collapse should match but did not; matched: talks-held ["talks" in title]',
    ]);
  });

  it('prints the scenario the matches favour instead, with every rule that matched', () => {
    const at = r.out.findIndex((l) => l.startsWith('FAIL calm expected'));
    expect(r.out[at + 1]).toBe('  item: "Talks collapse"');
    expect(r.out[at + 2]).toMatch(/^ {4}should favour scenario calm but favours storm; matched: /);
    expect(r.out[at + 2]).toContain('talks-held ["talks" in title]');
    expect(r.out[at + 2]).toContain('talks-collapse [');
    expect(r.out[at + 2]).toContain('"collapse" in title');
  });

  it('lists untested rules: never-tested both ways, talks-held without a negative test', () => {
    expect(r.out.filter((l) => l.startsWith('untested:')).sort()).toEqual([
      'untested: rule never-tested has no test it must match',
      'untested: rule never-tested has no test it must not match',
      'untested: rule talks-held has no test it must not match',
    ]);
  });
});

describe('signpost test: a watchbook that does not load', () => {
  it('exits 1 with the problems on stderr and no summary line', () => {
    const r = cli(['test', '--config', `${FIXTURES}/broken`]);
    expect(r.status).toBe(1);
    expect(r.stdout).not.toMatch(/passed, \d+ failed/);
    expect(r.err).toContainEqual(expect.stringMatching(/bad\.yaml:\d+:\d+: unknown indicator "talkz"/));
  });

  it('exits 1 when the path does not exist', () => {
    const r = cli(['test', '--config', `${FIXTURES}/no-such-watchbook`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`no watchbook here: ${FIXTURES}/no-such-watchbook does not exist`);
  });
});
