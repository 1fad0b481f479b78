import { describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';

// `signpost routes test`: which receivers an alert with given labels reaches under the shipped routes.
describe('signpost routes test', () => {
  it.each([
    ['a high-severity match goes to the desk and, by continue, to the digest', ['kind=match', 'severity=high', 'indicator=ukraine-polling'], ['desk-slack', 'analysts-digest']],
    ['a low-severity match goes to the digest only', ['kind=match', 'severity=low', 'indicator=miami-working-group'], ['analysts-digest']],
    ['a failing source goes to on-call', ['kind=source-health', 'source=nato-news', 'severity=low'], ['oncall-email']],
  ])('%s', (_name, labels, receivers) => {
    const r = cli(['routes', 'test', ...labels]);
    expect(r.status).toBe(0);
    expect(r.out.map((l) => l.split(/\s+/)[0])).toEqual(receivers);
  });

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

describe('signpost routes show', () => {
  it('draws the shipped route tree with receivers, matchers, group_by and timers', () => {
    const r = cli(['routes', 'show']);
    expect(r.status).toBe(0);
    expect(r.out).toEqual([
      'Routing tree:',
      '└── default-route  receiver: analysts-digest  group_by: [indicator]  wait 30s, interval 5m, repeat 4h',
      '    ├── {severity="high|critical"}  continue: true  receiver: desk-slack  group_by: [indicator]  wait 30s, interval 5m, repeat 4h',
      '    ├── {kind="source-health"}  receiver: oncall-email  group_by: [indicator]  wait 30s, interval 5m, repeat 4h',
      '    └── {kind="match|scenario|indicator"}  receiver: analysts-digest  group_by: [indicator]  wait 30s, interval 5m, repeat 4h',
    ]);
  });

  it('answers --help with the usage of both verbs', () => {
    const r = cli(['routes', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('routes test label=value');
    expect(r.stdout).toContain('routes show');
  });
});
