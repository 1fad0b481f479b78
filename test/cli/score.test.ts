import { describe, expect, it } from 'vitest';
import { cli, FIXTURES, jsonl } from './run-cli.js';

// `signpost score` (DESIGN.md, "Command line (contract)"): items as JSON lines in, one JSON line per item out,
// same order, each {"id", "matches": [{"rule", "indicator", "scenarios": {"<scenario>": <nats>}, "severity", "terms"}]}.

const GOOD = `${FIXTURES}/good`;
const score = (input: string, ...args: string[]) => cli(['score', '--config', GOOD, ...args], { input });

interface Line {
  id: unknown;
  matches: {
    rule: string;
    indicator: string;
    scenarios: Record<string, number>;
    severity: string;
    terms: string[];
    hits?: unknown[];
  }[];
}
const parse = (out: string[]) => out.map((l) => JSON.parse(l) as Line);
const rulesOf = (line: Line) => line.matches.map((m) => m.rule);

describe('signpost score: output contract', () => {
  it('writes one line per item, in input order, with the ids given', () => {
    const r = score(
      jsonl(
        { id: 'a', title: 'Talks resume' },
        { id: 'b', title: 'Nothing here' },
        { id: 'c', title: 'Talks collapsed' },
      ),
    );
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(parse(r.out).map((l) => l.id)).toEqual(['a', 'b', 'c']);
  });

  it('gives exactly the keys of the contract on each line and each match', () => {
    const r = score(jsonl({ id: 'a', title: 'Talks collapsed in 2026' }));
    const [line] = parse(r.out);
    expect(Object.keys(line!).sort()).toEqual(['id', 'matches']);
    expect(line!.matches.length).toBeGreaterThan(0);
    for (const m of line!.matches)
      expect(Object.keys(m).sort()).toEqual(['indicator', 'rule', 'scenarios', 'severity', 'terms']);
  });

  it('gives each match its rule, indicator, severity and the terms as written in the rule', () => {
    const [line] = parse(score(jsonl({ id: 'a', title: 'Talks collapsed' })).out);
    expect(line!.matches).toContainEqual({
      rule: 'talks-collapse',
      indicator: 'talks',
      scenarios: { calm: -0.2, storm: 1, drift: 0 },
      severity: 'high',
      terms: ['talk*', 'collaps*'],
    });
  });

  it('holds every scenario of the watchbook in scenarios, in nats (0 where the rule says nothing)', () => {
    const [line] = parse(score(jsonl({ id: 'a', title: 'Talks in 2026' })).out);
    const byRule = Object.fromEntries(line!.matches.map((m) => [m.rule, m.scenarios]));
    expect(byRule).toEqual({
      'year-mentioned': { calm: 0, storm: 0, drift: 0.2 },
      'talks-held': { calm: 0.5, storm: 0, drift: 0 },
    });
  });

  it('lists matches in rule order (watchbook files in order, rules in file order)', () => {
    // rules/polls.yaml (poll-rejects, year-mentioned) comes before rules/talks.yaml (talks-held, talks-collapse).
    const [line] = parse(score(jsonl({ id: 'a', title: 'Talks collapsed in 2026' })).out);
    expect(rulesOf(line!)).toEqual(['year-mentioned', 'talks-held', 'talks-collapse']);
  });

  it('writes an empty match list for an item nothing matches', () => {
    expect(score(jsonl({ id: 'z', title: 'Weather in Lisbon' })).out).toEqual(['{"id":"z","matches":[]}']);
  });

  it('still writes an id key for an item without id', () => {
    const [line] = parse(score(jsonl({ title: 'Talks resume' })).out);
    expect(line).toHaveProperty('id');
    expect(rulesOf(line!)).toEqual(['talks-held']);
  });

  it('reads summary and content as well as the title', () => {
    const out = parse(
      score(
        jsonl(
          { id: 's', title: 'Update', summary: 'talks resume' },
          { id: 'c', title: 'Update', content: 'the working group met' },
        ),
      ).out,
    );
    expect(out.map(rulesOf)).toEqual([['talks-held'], ['talks-held']]);
  });

  it('ignores unknown fields', () => {
    const r = score(
      jsonl({
        id: 'u',
        title: 'Talks resume',
        url: 'https://example.org/1',
        publishedAt: '2026-01-01T00:00:00Z',
        extra: { x: [1] },
      }),
    );
    expect(r.status).toBe(0);
    expect(parse(r.out).map(rulesOf)).toEqual([['talks-held']]);
  });

  it("gives an item its source's tags and language for rule filters", () => {
    // poll-rejects needs the tag polling, which only the kiis source carries.
    const title = 'Опитування: більшість проти поступок';
    const out = parse(
      score(jsonl({ id: 'k', title, source: 'kiis' }, { id: 'w', title, source: 'wire' }, { id: 'n', title })).out,
    );
    expect(out.map(rulesOf)).toEqual([['poll-rejects'], [], []]);
  });

  it('keeps the order of many items', () => {
    const items = Array.from({ length: 3000 }, (_, i) => ({
      id: `i${i}`,
      title: i % 3 === 0 ? 'Talks collapsed' : 'Weather report',
    }));
    const r = score(jsonl(...items));
    expect(r.status).toBe(0);
    const out = parse(r.out);
    expect(out.map((l) => l.id)).toEqual(items.map((i) => i.id));
    expect(out.filter((l) => l.matches.length > 0)).toHaveLength(1000);
  });

  it('writes nothing and exits 0 for empty input', () => {
    const r = score('');
    expect(r).toMatchObject({ status: 0, stdout: '', stderr: '' });
  });

  it('accepts CRLF line ends', () => {
    const r = score('{"id":"a","title":"Talks resume"}\r\n{"id":"b","title":"Nothing"}\r\n');
    expect(r.status).toBe(0);
    expect(parse(r.out).map(rulesOf)).toEqual([['talks-held'], []]);
  });
});

describe('signpost score: bad lines', () => {
  const input = jsonl(
    { id: 'a', title: 'Talks resume' }, // 1
    '', // 2: blank, ignored
    'this is not JSON', // 3
    { id: 'no-title' }, // 4
    '   ', // 5: blank, ignored
    { id: 'b', title: 'Talks collapsed' }, // 6
    '[1, 2]', // 7
    { id: 'empty-title', title: '  ' }, // 8
    { id: 'c', title: 'Nothing' }, // 9
  );

  it('scores the other lines, in order, and ignores blank lines', () => {
    const r = score(input);
    expect(parse(r.out).map((l) => [l.id, rulesOf(l)])).toEqual([
      ['a', ['talks-held']],
      ['b', ['talks-held', 'talks-collapse']],
      ['c', []],
    ]);
  });

  it('reports each bad line on stderr with its line number (blank lines counted)', () => {
    const r = score(input);
    expect(r.err.filter((l) => /^stdin:\d+:/.test(l))).toEqual([
      expect.stringMatching(/^stdin:3: not valid JSON/),
      'stdin:4: the item has no "title"',
      expect.stringMatching(/^stdin:7: expected a JSON object/),
      'stdin:8: the item has no "title"',
    ]);
  });

  it('exits 1 when a line could not be scored, and says how many', () => {
    const r = score(input);
    expect(r.status).toBe(1);
    expect(r.err.at(-1)).toBe('4 lines could not be scored');
  });

  it('does not report blank lines', () => {
    const r = score('\n\n{"id":"a","title":"Talks"}\n\n');
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(r.out).toHaveLength(1);
  });
});

describe('signpost score --input', () => {
  it('reads items from the file', () => {
    const r = cli(['score', '--config', GOOD, '--input', `${FIXTURES}/items.jsonl`]);
    expect(parse(r.out).map((l) => [l.id, rulesOf(l)])).toEqual([
      ['f1', ['talks-held', 'talks-collapse']],
      ['f2', ['poll-rejects']],
    ]);
  });

  it('reports a bad line of the file with the file name and line number, and exits 1', () => {
    const r = cli(['score', '--config', GOOD, '--input', `${FIXTURES}/items.jsonl`]);
    expect(r.status).toBe(1);
    expect(r.err).toContainEqual(expect.stringMatching(new RegExp(`^${FIXTURES}/items\\.jsonl:2: not valid JSON`)));
  });

  it('reads the file, not stdin, when both are given', () => {
    const r = cli(['score', '--config', GOOD, '--input', `${FIXTURES}/items.jsonl`], {
      input: jsonl({ id: 'from-stdin', title: 'Talks' }),
    });
    expect(parse(r.out).map((l) => l.id)).toEqual(['f1', 'f2']);
  });

  it('takes -i for --input', () => {
    const r = cli(['score', '-c', GOOD, '-i', `${FIXTURES}/items.jsonl`]);
    expect(parse(r.out).map((l) => l.id)).toEqual(['f1', 'f2']);
  });

  it('fails with exit 1 on a missing input file, writing nothing', () => {
    const r = cli(['score', '--config', GOOD, '--input', `${FIXTURES}/no-such-items.jsonl`]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no-such-items.jsonl');
  });
});

describe('signpost score --explain', () => {
  it('adds the hits: term, field, word index and matched text', () => {
    const r = score(
      jsonl({ id: 'a', title: 'Update', summary: 'Talks have collapsed' }, { id: 'b', title: 'Talks collapsed' }),
      '--explain',
    );
    expect(r.status).toBe(0);
    const [a, b] = parse(r.out);
    expect(a!.matches).toEqual([
      {
        rule: 'talks-held',
        indicator: 'talks',
        scenarios: { calm: 0.5, storm: 0, drift: 0 },
        severity: 'info',
        terms: ['talks'],
        hits: [{ term: 'talks', field: 'summary', word: 0, text: 'talks' }],
      },
    ]);
    expect(b!.matches.find((m) => m.rule === 'talks-collapse')!.hits).toEqual([
      { term: 'talk*', field: 'title', word: 0, text: 'talks' },
      { term: 'collaps*', field: 'title', word: 1, text: 'collapsed' },
    ]);
  });

  it('gives the normalized text of Cyrillic hits', () => {
    const [line] = parse(
      score(jsonl({ id: 'k', title: 'ОПИТУВАННЯ: більшість ПРОТИ', source: 'kiis' }), '--explain').out,
    );
    expect(line!.matches[0]!.hits).toEqual([
      { term: 'опитування', field: 'title', word: 0, text: 'опитування' },
      { term: 'проти', field: 'title', word: 2, text: 'проти' },
    ]);
  });

  it('adds no hits without --explain', () => {
    const [line] = parse(score(jsonl({ id: 'a', title: 'Talks' })).out);
    expect(line!.matches[0]).not.toHaveProperty('hits');
  });
});

describe('signpost score: watchbook problems', () => {
  it('exits 1 without reading items when the watchbook does not load', () => {
    const r = cli(['score', '--config', `${FIXTURES}/broken`], { input: jsonl({ id: 'a', title: 'Talks' }) });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.err.at(-1)).toBe(`4 problems in ${FIXTURES}/broken`);
  });

  it('exits 1 when the watchbook path does not exist', () => {
    const r = cli(['score', '--config', `${FIXTURES}/no-such-watchbook`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('no watchbook here');
  });
});
