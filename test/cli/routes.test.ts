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

  it('refuses an argument that is not label=value', () => {
    const r = cli(['routes', 'test', 'severity']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('expected label=value, got "severity"');
  });
});
