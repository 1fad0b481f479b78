import { describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';

// `signpost routes test`: which receivers an alert with given labels reaches under the shipped routes.
describe('signpost routes test', () => {
  // prettier-ignore
  it.each([
    ['a high-severity match goes to the desk and, by continue, to the digest', ['kind=match', 'severity=high', 'indicator=ukraine-polling'], ['desk-slack', 'analysts-digest']],
    ['a low-severity match goes to the digest only', ['kind=match', 'severity=low', 'indicator=miami-working-group'], ['analysts-digest']],
    ['a failing source goes to on-call', ['kind=source-health', 'source=nato-news', 'severity=low'], ['oncall-email']],
  ])('%s', (_name, labels, receivers) => {
    const r = cli(['routes', 'test', ...labels]);
    expect(r.status).toBe(0);
    expect(r.out.map((l) => l.split(/\s+/)[0])).toEqual(receivers);
  });

  // prettier-ignore
  it.each([
    ['a misspelt label', 'sevrity=high', 'signpost routes: sevrity=high: unknown label "sevrity" (did you mean "severity"?): alerts carry kind, indicator, scenario, severity, source, rule'],
    ['an unknown kind', 'kind=source_health', 'signpost routes: kind=source_health: unknown kind "source_health" (did you mean "source-health"?), expected one of match, scenario, indicator, source-health'],
    ['an unknown severity', 'severity=urgent', 'signpost routes: severity=urgent: unknown severity "urgent", expected one of info, low, high, critical'],
    ['a source the watchbook does not have', 'source=kiis-report', 'signpost routes: source=kiis-report: unknown source "kiis-report" (did you mean "kiis-reports"?): the watchbook has no such id'],
  ])('refuses %s with exit 2 instead of showing the root receiver', (_, label, message) => {
    const r = cli(['routes', 'test', 'kind=match', label]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.err).toEqual([message]);
  });

  it('refuses an argument that is not label=value', () => {
    const r = cli(['routes', 'test', 'severity']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('expected label=value, got "severity"');
  });
});

// `--expect`, as `amtool config routes test --verify.receivers`: an exit code for CI.
describe('signpost routes test --expect', () => {
  const HIGH = ['kind=match', 'severity=high', 'indicator=ukraine-polling'];
  it.each([
    ['the receivers reached, in order', 'desk-slack,analysts-digest', 0],
    ['the same receivers with spaces after the commas', 'desk-slack, analysts-digest', 0],
    ['the receivers in the other order', 'analysts-digest,desk-slack', 1],
    ['one receiver short', 'desk-slack', 1],
    ['one receiver too many', 'desk-slack,analysts-digest,oncall-email', 1],
  ])('exits as amtool does for %s', (_name, want, status) => {
    const r = cli(['routes', 'test', '--expect', want, ...HIGH]);
    expect(r.status).toBe(status);
    expect(r.out.map((l) => l.split(/\s+/)[0])).toEqual(['desk-slack', 'analysts-digest']);
    if (status === 0) expect(r.stderr).toBe('');
    else
      expect(r.err).toEqual([
        `signpost routes: expected receivers: ${want.replace(/\s/g, '')}`,
        'signpost routes: reached receivers:  desk-slack,analysts-digest',
      ]);
  });

  it('refuses a receiver the watchbook does not have with exit 2 and a suggestion', () => {
    const r = cli(['routes', 'test', '--expect', 'desk-slak', ...HIGH]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.err).toEqual(['signpost routes: --expect: unknown receiver "desk-slak" (did you mean "desk-slack"?)']);
  });

  it('still refuses a misspelt label with exit 2, not 1', () => {
    expect(cli(['routes', 'test', '--expect', 'desk-slack', 'kind=match', 'sevrity=high']).status).toBe(2);
  });
});

describe('signpost routes show', () => {
  it('draws the shipped route tree with receivers, matchers, group_by and timers', () => {
    const r = cli(['routes', 'show']);
    expect(r.status).toBe(0);
    expect(r.out).toEqual([
      'Routing tree:',
      '└── default-route  receiver: analysts-digest  group_by: [indicator]  wait 30s, interval 5m, repeat 4h',
      '    ├── {severity="high|critical"}  continue: true  receiver: desk-slack  group_by: [indicator]  wait 30s, interval 5m, repeat 4h',
      '    ├── {kind="source-health"}  receiver: oncall-email  group_by: [indicator]  wait 30s, interval 5m, repeat 4h  mute: [nights]',
      '    └── {kind="match|scenario|indicator"}  receiver: analysts-digest  group_by: [indicator]  wait 30s, interval 5m, repeat 4h',
    ]);
  });

  it('answers --help with the usage of both verbs', () => {
    const r = cli(['routes', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('routes test label=value');
    expect(r.stdout).toContain('routes show');
    expect(r.stdout).toContain('--expect RECEIVER,...');
  });
});
