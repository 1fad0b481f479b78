import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT } from './run-cli.js';

// `signpost backtest`: recorded items or feeds replayed in time order through the whole core, against the
// shipped watchbook. The --json form is a contract: one line per step, then {"final": ..., "alerts": [...]}.

const ITEMS = 'test/fixtures/backtest/items.jsonl';
const parse = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('signpost backtest', () => {
  it('prints one JSON line per item in time order, then the final picture and the alerts', () => {
    const r = cli(['backtest', '--input', ITEMS, '--json']);
    expect(r.status).toBe(0);
    const lines = parse(r.out);
    const steps = lines.slice(0, -1);
    const last = lines.at(-1) as {
      final: Record<string, number>;
      alerts: { kind: string; id: string; at: string; labels: Record<string, string>; receivers: string[] }[];
    };
    expect(steps).toHaveLength(8);
    const times = steps.map((s) => Date.parse(String(s.at)));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Object.keys(last.final).sort()).toEqual(['baseline', 'risk']);
    expect(last.final.baseline! + last.final.risk!).toBeCloseTo(1, 10);
    // The recorded week points to risk: talks stall, polls reject concessions, guarantees withdrawn.
    expect(last.final.risk).toBeGreaterThan(0.6);
    expect(steps.find((s) => String(s.title).startsWith('Miami Heat'))?.matches).toEqual([]);
    // The two stalled-talks reports of 25 January are one event, and so are the two KIIS reports: risk
    // enters 0.55 only with the withdrawal of guarantees (10 July, 10:00) and must hold 6 h: it fires when
    // the dwell ends, after the last item, once.
    const scenario = last.alerts.filter((a) => a.kind === 'scenario');
    expect(scenario).toEqual([
      expect.objectContaining({
        at: '2026-07-10T16:00:00.000Z',
        labels: expect.objectContaining({ scenario: 'risk' }) as unknown,
      }),
    ]);
    expect(scenario[0]!.receivers).toEqual(['desk-slack', 'analysts-digest']);
    // Every match is an alert routed by the shipped tree: high severity to the desk and the digest.
    const matches = last.alerts.filter((a) => a.kind === 'match');
    expect(matches).toHaveLength(steps.reduce((n, s) => n + (s.matches as string[]).length, 0));
    const withdrawn = matches.find((a) => a.labels.rule === 'guarantor-withdraws-guarantees');
    expect(withdrawn?.receivers).toEqual(['desk-slack', 'analysts-digest']);
  });

  it('tells the story in text: each item that moved the picture, and the end', () => {
    const r = cli(['backtest', '--input', ITEMS]);
    expect(r.status).toBe(0);
    expect(r.out.some((l) => l.includes('<- poll-rejects-concessions: КМІС'))).toBe(true);
    expect(r.out.at(-1)).toMatch(/^8 items replayed, 7 with evidence; final: baseline \d+\.\d%, risk \d+\.\d%$/);
  });

  it('replays a recorded feed named after a watchbook source', () => {
    const dir = mkdtempSync(join(tmpdir(), 'signpost-backtest-'));
    copyFileSync(resolve(ROOT, '../shared/corpus/feeds/real/nyt-1.xml'), join(dir, 'nyt-world.xml'));
    const r = cli(['backtest', '--input', dir, '--json']);
    expect(r.status).toBe(0);
    const lines = parse(r.out);
    expect(lines.length - 1).toBe(57);
    expect(lines.slice(0, -1).every((s) => s.source === 'nyt-world')).toBe(true);
  });

  it('reports a line without a date with its number, replays the rest, and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'signpost-backtest-'));
    const file = join(dir, 'items.jsonl');
    writeFileSync(
      file,
      '{"id":"1","title":"Talks in Miami","publishedAt":"2026-01-06T10:00:00Z"}\n{"id":"2","title":"no date"}\nnot json\n',
    );
    const r = cli(['backtest', '--input', file, '--json']);
    expect(r.status).toBe(1);
    expect(r.err).toEqual([`${file}:2: the item has no valid "publishedAt"`, `${file}:3: not valid JSON`]);
    expect(parse(r.out)).toHaveLength(2);
  });

  it('with --progress, tells on stderr how far it is, and prints the same on stdout', () => {
    const plain = cli(['backtest', '--input', ITEMS, '--json']);
    const r = cli(['backtest', '--input', ITEMS, '--json', '--progress']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(plain.stdout);
    // A line at most every second, and always the last, with the rate and how long it took.
    expect(r.err.length).toBeGreaterThanOrEqual(1);
    expect(r.err.at(-1)).toMatch(/^backtest: 8 of 8 items \(100%\), [\d,]+ items\/s, done in \d+\.\d s$/);
    for (const line of r.err.slice(0, -1))
      expect(line).toMatch(/^backtest: \d of 8 items \(\d+%\), [\d,]+ items\/s, [\d.]+ s left$/);
  });

  it('keeps stderr quiet without --progress when stderr is not a terminal', () => {
    const r = cli(['backtest', '--input', ITEMS]);
    expect(r.status).toBe(0);
    expect(r.err).toEqual([]);
  });

  it('needs --input', () => {
    const r = cli(['backtest']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--input PATH is required');
  });
});
