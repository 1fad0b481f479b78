import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, FIXTURES, jsonl } from './run-cli.js';

// `signpost eval` (DESIGN.md, "Command line (contract)"): labelled items in, precision and recall of
// (item, indicator) pairs, direction and wrong-way alerts out; with --json the summary is the last line.

const GOOD = `${FIXTURES}/good`;
const dir = mkdtempSync(join(tmpdir(), 'signpost-eval-'));
let n = 0;
function evaluate(lines: string, ...args: string[]) {
  const file = join(dir, `set-${n++}.jsonl`);
  writeFileSync(file, lines);
  return { ...cli(['eval', '--config', GOOD, '--input', file, ...args]), file };
}
const last = (out: string[]) => JSON.parse(out.at(-1)!) as Record<string, number>;

const SET = jsonl(
  // storm: talks-collapse (high) outweighs talks-held; a true pair, the right way.
  { id: 'a', title: 'Talks collapsed', expect: { indicators: ['talks'], direction: 'storm' } },
  // calm: talks-held alone; a true pair, the right way.
  { id: 'b', title: 'Talks resume', expect: { indicators: ['talks'], direction: 'calm' } },
  // a miss: nothing matches, so the pair is missed and the direction wrong.
  { id: 'c', title: 'Nothing here', expect: { indicators: ['polls'], direction: 'storm' } },
  // not relevant: talks is a false alarm, and talks-collapse (high) on it a wrong-way alert.
  { id: 'd', title: 'Talks collapsed', expect: { indicators: [], direction: 'none' } },
);

describe('signpost eval', () => {
  it('counts pairs, direction and wrong-way alerts, and ends --json with the summary line', () => {
    const r = evaluate(SET, '--json');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(last(r.out)).toEqual({
      precision: 0.667,
      recall: 0.667,
      direction: 0.667,
      wrong_way: 1,
      items: 4,
      directional: 3,
    });
    const lines = r.out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toContainEqual({ indicator: 'talks', tp: 2, fp: 1, fn: 0, precision: 0.667, recall: 1 });
    expect(lines).toContainEqual({ indicator: 'polls', tp: 0, fp: 0, fn: 1, precision: 1, recall: 0 });
    expect(lines).toContainEqual({
      rule: 'talks-collapse',
      tp: 1,
      fp: 1,
      fn: 1,
      precision: 0.5,
      recall: 0.5,
      matches: 2,
    });
  });

  it('lists the misses, false alarms, wrong directions and wrong-way alerts in text', () => {
    const r = evaluate(SET);
    expect(r.status).toBe(0);
    const text = r.stdout;
    expect(text).toMatch(/missed \(1\):\n {2}c {2}polls {2}"Nothing here"/);
    expect(text).toMatch(/false alarms \(1\):\n {2}d {2}talks/);
    expect(text).toMatch(/wrong-way alerts \(1\):\n {2}d {2}talks-collapse \(high\) against none/);
    expect(r.out.at(-1)).toBe('4 items: precision 0.667, recall 0.667, direction 0.667 (2 of 3), wrong-way alerts 1');
  });

  it('reports a bad line with its number, scores the rest, and exits 1', () => {
    const r = evaluate(
      jsonl(
        'not json',
        { id: 'x', title: 'Talks resume' },
        { id: 'y', title: 'Talks resume', expect: { indicators: ['talks'], direction: 'sideways' } },
        { id: 'z', title: 'Talks resume', expect: { indicators: ['talks'], direction: 'none' } },
        { id: 'b', title: 'Talks resume', expect: { indicators: ['talks'], direction: 'calm' } },
      ),
      '--json',
    );
    expect(r.status).toBe(1);
    expect(r.err[0]).toMatch(/set-\d+\.jsonl:1: not valid JSON/);
    expect(r.err[1]).toMatch(/:2: the item has no "expect" object/);
    expect(r.err[2]).toMatch(/:3: "expect.direction" must be one of calm, storm, drift, neutral, none/);
    expect(r.err[3]).toMatch(/:4: "expect.direction" is "none" exactly when "expect.indicators" is empty/);
    expect(last(r.out)).toMatchObject({ items: 1, precision: 1, recall: 1, direction: 1 });
  });

  it('asks for --input', () => {
    const r = cli(['eval', '--config', GOOD]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--input FILE is required/);
  });
});

// The floors the shipped watchbook must hold on real reporting (docs/eval-labels.md): what CI checks.
const FLOORS = { precision: 0.85, recall: 0.75, direction: 0.75 };

describe('the shipped watchbook on the labelled development set', () => {
  it(`meets its floors: precision ${FLOORS.precision}, recall ${FLOORS.recall}, direction ${FLOORS.direction}, no wrong-way alert`, () => {
    const r = cli(['eval', '--input', 'test/fixtures/eval/real-news.jsonl', '--json']);
    expect(r.status).toBe(0);
    console.info(`signpost eval on test/fixtures/eval/real-news.jsonl: ${r.out.at(-1)}`);
    const summary = last(r.out);
    expect(summary.items).toBeGreaterThanOrEqual(300);
    expect(summary.precision).toBeGreaterThanOrEqual(FLOORS.precision);
    expect(summary.recall).toBeGreaterThanOrEqual(FLOORS.recall);
    expect(summary.direction).toBeGreaterThanOrEqual(FLOORS.direction);
    expect(summary.wrong_way).toBe(0);
  });
});
