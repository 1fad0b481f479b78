import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/fetch/retry-after.js';

const now = Date.parse('2026-01-10T12:00:00Z');

// Table: [behaviour, header, expected ms].
const cases: [string, string | string[] | undefined, number | undefined][] = [
  ['reads seconds', '120', 120_000],
  ['reads zero seconds', '0', 0],
  ['trims whitespace', ' 30 ', 30_000],
  ['reads an HTTP date as the time until it', 'Sat, 10 Jan 2026 12:05:00 GMT', 300_000],
  ['reads an HTTP date in the past as now', 'Sat, 10 Jan 2026 11:00:00 GMT', 0],
  ['reads the first of repeated headers', ['60', '120'], 60_000],
  ['ignores an absent header', undefined, undefined],
  ['ignores an empty header', '', undefined],
  ['ignores a negative number', '-5', undefined],
  ['ignores a fraction', '1.5', undefined],
  ['ignores garbage', 'soon', undefined],
];

describe('parseRetryAfter', () => {
  it.each(cases)('%s', (_name, header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
});
