import { describe, expect, it } from 'vitest';
import { corroboration, decay } from '../../src/scoring/index.js';
import { DAY } from './build.js';

describe('decay', () => {
  const halfLife = 30 * DAY;
  const table: [name: string, ageMs: number, d: number][] = [
    ['is 1 for new evidence (age 0)', 0, 1],
    ['is 0.5 after one half-life', halfLife, 0.5],
    ['is 0.25 after two half-lives', 2 * halfLife, 0.25],
    ['is 1/√2 after half a half-life', halfLife / 2, Math.SQRT1_2],
    ['is 1/1024 after ten half-lives', 10 * halfLife, 1 / 1024],
    ['never weighs more than new: a negative age counts as 0', -DAY, 1],
  ];
  it.each(table)('%s', (_, ageMs, d) => {
    expect(decay(ageMs, halfLife)).toBeCloseTo(d, 12);
  });

  it('keeps only age 0 when the half-life is 0', () => {
    expect(decay(0, 0)).toBe(1);
    expect(decay(1, 0)).toBe(0);
  });
});

describe('corroboration', () => {
  const table: [name: string, credibilities: number[], q: number][] = [
    ['is 0 without sources', [], 0],
    ['is the credibility of a single source', [0.9], 0.9],
    ['saturates: two independent sources of 0.9 give 0.99', [0.9, 0.9], 0.99],
    ['three sources of 0.5 give 0.875', [0.5, 0.5, 0.5], 0.875],
    ['a source of credibility 0 adds nothing', [0.6, 0], 0.6],
    ['a fully credible source makes it 1', [1, 0.2], 1],
    ['clamps credibility above 1 to 1 (never above 1)', [1.5], 1],
    ['clamps negative credibility to 0', [-0.3, 0.5], 0.5],
    ['reads a credibility that is not a number as 0', [Number.NaN, 0.5], 0.5],
  ];
  it.each(table)('%s', (_, credibilities, q) => {
    expect(corroboration(credibilities)).toBeCloseTo(q, 12);
  });

  it('never exceeds 1 however many credible sources agree', () => {
    expect(corroboration(Array.from({ length: 50 }, () => 0.99))).toBeLessThanOrEqual(1);
  });
});
