import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatProblem, loadWatchbook, watchbookJsonSchema } from '../../src/config/index.js';
import { Matcher, runRuleTests } from '../../src/rules/index.js';

const CONFIG = new URL('../../config/', import.meta.url).pathname;
// No secrets on a test machine: the shipped watchbook must load without them.
const result = loadWatchbook(CONFIG, { PATH: process.env.PATH });

describe('the shipped watchbook (config/)', () => {
  it('loads without problems', () => {
    expect(result.problems.map(formatProblem)).toEqual([]);
    expect(result.watchbook).toBeDefined();
  });

  it('has the scenarios and indicator ids of the contract', () => {
    const wb = result.watchbook!;
    expect(wb.scenarios.map((s) => s.id)).toEqual(['baseline', 'risk']);
    expect(wb.indicators.map((i) => i.id)).toEqual(
      expect.arrayContaining([
        'miami-working-group',
        'ukraine-polling',
        'russia-eu-alignment',
        'nato-partner-assurances',
      ]),
    );
  });

  it("catches every indicator's news in English, Ukrainian and Russian, by its tests", () => {
    const wb = result.watchbook!;
    const language = (title: string) =>
      /[іїєґ]/i.test(title) ? 'uk' : /[ыэъё]/i.test(title) ? 'ru' : /^[^\u0400-\u04ff]*$/.test(title) ? 'en' : '?';
    for (const indicator of [
      'miami-working-group',
      'ukraine-polling',
      'russia-eu-alignment',
      'nato-partner-assurances',
    ]) {
      const rules = new Set(wb.rules.filter((r) => r.indicator === indicator).map((r) => r.id));
      const caught = wb.tests
        .filter((t) => t.match.some((id) => rules.has(id)))
        .flatMap((t) => t.items.map((i) => language(i.title)));
      expect(new Set(caught), indicator).toEqual(new Set(caught).add('en').add('uk').add('ru'));
    }
  });

  it('passes its rule tests, with every rule tested both ways', () => {
    const wb = result.watchbook!;
    const report = runRuleTests(wb, new Matcher(wb.rules, wb.cues));
    const failures = report.results
      .filter((r) => r.failures.length)
      .map((r) => `${r.test.name}: ${r.failures.map((f) => f.message).join('; ')}`);
    expect(failures).toEqual([]);
    expect(report.untested).toEqual({ positive: [], negative: [] });
    expect(report.passed).toBeGreaterThan(wb.rules.length);
  });

  it('every file is valid against the generated JSON Schema that editors use', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(watchbookJsonSchema()) as object);
    const files = [
      'watchbook.yaml',
      ...['rules', 'tests'].flatMap((d) => readdirSync(join(CONFIG, d)).map((f) => join(d, f))),
    ];
    for (const file of files) {
      const ok = validate(parse(readFileSync(join(CONFIG, file), 'utf8')));
      expect(ok ? [] : validate.errors, file).toEqual([]);
    }
  });
});
