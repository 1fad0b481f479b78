import { describe, expect, it } from 'vitest';
import { Matcher } from '../../src/rules/index.js';

describe('Matcher', () => {
  it('matches a whole word and not a longer one', () => {
    const m = new Matcher([{ id: 'r', indicator: 'i', fields: ['title'], severity: 'low', evidence: { risk: 1 }, match: ['poll'] }]);
    expect(m.match({ title: 'A new poll' }).map((x) => x.rule)).toEqual(['r']);
    expect(m.match({ title: 'Polling stations' })).toEqual([]);
  });
});
