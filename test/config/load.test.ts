// What the loader makes of a valid watchbook: durations in ms, evidence in nats, priors summing to 1,
// defaults, ${VAR} interpolation, folders merged, inline rule tests and test items with their source's tags.
// Errors are in broken-watchbooks.test.ts.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EVIDENCE_WORDS, formatProblem, loadWatchbook, parseDuration } from '../../src/config/index.js';
import type { Watchbook } from '../../src/model/watchbook.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
// Test `at` strings carry the path as passed: fixtures are passed relative to the repository root.
if (process.cwd() !== ROOT) process.chdir(ROOT);
const B = 'test/fixtures/broken/';

const tmp = mkdtempSync(join(tmpdir(), 'signpost-load-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let written = 0;

/** Write files (name → text) into a fresh folder and return its path. */
function folder(files: Record<string, string>): string {
  const dir = join(tmp, String(written++));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

// A minimal watchbook, one section a line; a test replaces or adds sections.
const SECTIONS = {
  version: 'version: 1',
  watch: 'watch: { id: w, title: W }',
  scenarios: 'scenarios: { a: { title: A, prior: 0.5 }, b: { title: B, prior: 0.5 } }',
  indicators: 'indicators: { ind: { title: I } }',
  sources: 'sources: [{ id: src, type: rss, url: "https://example.org/feed", credibility: 0.5, lang: en }]',
  rules: 'rules: [{ id: r, indicator: ind, match: word, evidence: { a: strong } }]',
};
type Sections = Partial<Record<keyof typeof SECTIONS | 'tests' | 'routes' | 'receivers' | 'silences', string>>;

function text(sections: Sections = {}): string {
  return `${Object.values({ ...SECTIONS, ...sections }).join('\n')}\n`;
}

/** Load a watchbook made of the minimal sections with these replaced; it must load cleanly. */
function load(sections: Sections = {}, env: NodeJS.ProcessEnv = {}): Watchbook {
  const path = join(folder({ 'watchbook.yaml': text(sections) }), 'watchbook.yaml');
  const { watchbook, problems, warnings } = loadWatchbook(path, env);
  expect(problems.map(formatProblem)).toEqual([]);
  expect(warnings.map(formatProblem)).toEqual([]);
  return watchbook!;
}

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['6h', 21_600_000],
    ['1h30m', 5_400_000],
    ['1d12h', 129_600_000],
    ['30d', 2_592_000_000],
    ['2w', 1_209_600_000],
    ['0s', 0],
  ])('parseDuration(%s) = %i ms', (duration, ms) => {
    expect(parseDuration(duration)).toBe(ms);
  });

  it.each(['15 minutes', '3x', '15', 'm', '1.5h', '-5m', '', ' 15m', '15M'])(
    'parseDuration(%j) is not a duration',
    (duration) => {
      expect(parseDuration(duration)).toBeUndefined();
    },
  );

  // prettier-ignore
  it.each([
    ['source every', { sources: 'sources: [{ id: src, type: rss, url: "https://example.org/feed", every: 15m, credibility: 0.5, lang: en }]' }, (wb: Watchbook) => wb.sources[0]!.everyMs, 900_000],
    ['indicator half_life', { indicators: 'indicators: { ind: { title: I, half_life: 1h30m } }' }, (wb: Watchbook) => wb.indicators[0]!.halfLifeMs, 5_400_000],
    ['indicator expect.every', { indicators: 'indicators: { ind: { title: I, expect: { every: 14d } } }' }, (wb: Watchbook) => wb.indicators[0]!.expectEveryMs, 1_209_600_000],
    [
      'indicator window.every',
      { indicators: 'indicators: { ind: { title: I, window: { from: 2026-06-01, to: 2026-07-15, every: 5m } } }' },
      (wb: Watchbook) => wb.indicators[0]!.window?.everyMs,
      300_000,
    ],
    [
      'scenario alert.for',
      { scenarios: 'scenarios: { a: { title: A, prior: 0.5, alert: { enter: 0.7, exit: 0.6, for: 6h } }, b: { title: B, prior: 0.5 } }' },
      (wb: Watchbook) => wb.scenarios[0]!.alert?.forMs,
      21_600_000,
    ],
    [
      'route group_wait',
      { routes: 'routes: { receiver: mail, group_wait: 30s, group_interval: 5m, repeat_interval: 4h }', receivers: 'receivers: { mail: { email: { to: [a@example.org] } } }' },
      (wb: Watchbook) => [wb.routes.groupWaitMs, wb.routes.groupIntervalMs, wb.routes.repeatIntervalMs],
      [30_000, 300_000, 14_400_000],
    ],
  ] as const)('%s is read in ms', (_what, sections, pick, ms) => {
    expect(pick(load(sections))).toEqual(ms);
  });

  it('window dates are epoch ms', () => {
    const wb = load({
      indicators: 'indicators: { ind: { title: I, window: { from: 2026-06-01, to: "2026-07-15T09:00:00Z" } } }',
    });
    expect(wb.indicators[0]!.window).toEqual({ from: Date.UTC(2026, 5, 1), to: Date.UTC(2026, 6, 15, 9) });
  });
});

describe('evidence', () => {
  it.each([
    ['strong', 1.0],
    ['moderate', 0.5],
    ['weak', 0.2],
    ['against-weak', -0.2],
    ['against-moderate', -0.5],
    ['against-strong', -1.0],
    ['0.7', 0.7],
    ['-1.5', -1.5],
    ['0', 0],
    ['2', 2],
  ])('%s is %d nats; the scenario not named gets 0', (weight, nats) => {
    const wb = load({ rules: `rules: [{ id: r, indicator: ind, match: word, evidence: { a: ${weight} } }]` });
    expect(wb.rules[0]!.evidence).toEqual({ a: nats, b: 0 });
  });

  it('every scenario of the watchbook gets a weight, in the order of the scenarios', () => {
    const wb = load({
      scenarios: 'scenarios: { a: { title: A, prior: 0.2 }, b: { title: B, prior: 0.3 }, c: { title: C, prior: 0.5 } }',
      rules: 'rules: [{ id: r, indicator: ind, match: word, evidence: { c: against-moderate, a: weak } }]',
    });
    expect(Object.entries(wb.rules[0]!.evidence)).toEqual([
      ['a', 0.2],
      ['b', 0],
      ['c', -0.5],
    ]);
  });

  it('the words are the documented ones', () => {
    expect(EVIDENCE_WORDS).toEqual({
      strong: 1,
      moderate: 0.5,
      weak: 0.2,
      'against-weak': -0.2,
      'against-moderate': -0.5,
      'against-strong': -1,
    });
  });
});

describe('priors are normalized to sum to 1', () => {
  // prettier-ignore
  it.each([
    [[0.6, 0.4], [0.6, 0.4]],
    [[0.3, 0.3], [0.5, 0.5]],
    [[0.9, 0.9], [0.5, 0.5]],
    [[0.2, 0.2, 0.4], [0.25, 0.25, 0.5]],
    [[0.1, 0.3], [0.25, 0.75]],
  ])('%j → %j', (priors, normalized) => {
    const scenarios = priors.map((p, i) => `s${i}: { title: S${i}, prior: ${p} }`).join(', ');
    const wb = load({ scenarios: `scenarios: { ${scenarios} }`, rules: 'rules: [{ id: r, indicator: ind, match: word, evidence: { s0: strong } }]' });
    expect(wb.scenarios.map((s) => s.id)).toEqual(priors.map((_, i) => `s${i}`));
    wb.scenarios.forEach((s, i) => expect(s.prior).toBeCloseTo(normalized[i]!, 12));
    expect(wb.scenarios.reduce((sum, s) => sum + s.prior, 0)).toBeCloseTo(1, 12);
  });
});

describe('defaults', () => {
  const wb = load();

  it.each([
    ['source every: 30m', () => wb.sources[0]!.everyMs, 1_800_000],
    ['source tags: none', () => wb.sources[0]!.tags, []],
    ['indicator half_life: 30d', () => wb.indicators[0]!.halfLifeMs, 2_592_000_000],
    ['indicator cap: 3', () => wb.indicators[0]!.cap, 3],
    [
      'indicator window and expect: none',
      () => [wb.indicators[0]!.window, wb.indicators[0]!.expectEveryMs],
      [undefined, undefined],
    ],
    ['rule severity: low', () => wb.rules[0]!.severity, 'low'],
    ['rule fields: all three', () => wb.rules[0]!.fields, ['title', 'summary', 'content']],
    ['rule when: none', () => wb.rules[0]!.when, undefined],
    ['watch timezone: UTC', () => wb.watch.timezone, 'UTC'],
    ['tests, receivers, silences: none', () => [wb.tests, wb.receivers, wb.silences], [[], [], []]],
    ['routes: an empty root', () => wb.routes, { match: {}, continue: false, routes: [] }],
  ] as const)('%s', (_what, pick, value) => {
    expect(pick()).toEqual(value);
  });

  it('an alert without "for" holds for 0 ms', () => {
    const withAlert = load({
      scenarios:
        'scenarios: { a: { title: A, prior: 0.5, alert: { enter: 0.7, exit: 0.6 } }, b: { title: B, prior: 0.5 } }',
    });
    expect(withAlert.scenarios[0]!.alert).toEqual({ enter: 0.7, exit: 0.6, forMs: 0 });
  });

  it('a child route does not continue unless told', () => {
    const routed = load({
      routes:
        'routes: { receiver: mail, routes: [{ match: { severity: high }, receiver: mail }, { match: { kind: [match, scenario] }, receiver: mail, continue: true }] }',
      receivers: 'receivers: { mail: { email: { to: [a@example.org] } } }',
    });
    expect(routed.routes.routes).toEqual([
      { receiver: 'mail', match: { severity: ['high'] }, continue: false, routes: [] },
      { receiver: 'mail', match: { kind: ['match', 'scenario'] }, continue: true, routes: [] },
    ]);
  });

  it.each([
    ['a host alone gets its "/"', 'https://signpost.example.org', 'https://signpost.example.org/'],
    ['a path is kept as given', 'http://127.0.0.1:8080/signpost/', 'http://127.0.0.1:8080/signpost/'],
  ])('public_url: %s', (_what, given, expected) => {
    expect(load({ watch: `watch: { id: w, title: W, public_url: "${given}" }` }).watch.publicUrl).toBe(expected);
  });

  it('values given replace the defaults', () => {
    const given = load({
      watch: 'watch: { id: w, title: W, timezone: Europe/Kyiv }',
      indicators: 'indicators: { ind: { title: I, half_life: 21d, cap: 2 } }',
      rules:
        'rules: [{ id: r, indicator: ind, match: word, evidence: { a: strong }, severity: critical, fields: [title] }]',
    });
    expect([given.watch.timezone, given.indicators[0]!.halfLifeMs, given.indicators[0]!.cap]).toEqual([
      'Europe/Kyiv',
      1_814_400_000,
      2,
    ]);
    expect([given.rules[0]!.severity, given.rules[0]!.fields]).toEqual(['critical', ['title']]);
  });
});

describe('environment variables', () => {
  // Each template is put in watch.contact.
  it.each([
    ['${SIGNPOST_T1}', { SIGNPOST_T1: 'v1' }, 'v1'],
    ['pre-${SIGNPOST_T1}-post', { SIGNPOST_T1: 'v1' }, 'pre-v1-post'],
    ['${SIGNPOST_T1}/${SIGNPOST_T2}', { SIGNPOST_T1: 'v1', SIGNPOST_T2: 'v2' }, 'v1/v2'],
    ['${SIGNPOST_T1:-fallback}', {}, 'fallback'],
    ['${SIGNPOST_T1:-fallback}', { SIGNPOST_T1: 'v1' }, 'v1'],
    ['${SIGNPOST_T1:-}', {}, ''],
    ['${SIGNPOST_T1:-https://example.org/x?a=1}', {}, 'https://example.org/x?a=1'],
    ['${SIGNPOST_T1:-fallback}', { SIGNPOST_T1: '' }, 'fallback'],
    ['$SIGNPOST_T1 and $' + '{not a name}', { SIGNPOST_T1: 'v1' }, '$SIGNPOST_T1 and ${not a name}'],
  ])('%j with %j gives %j', (template, env, value) => {
    const wb = load({ watch: `watch: { id: w, title: W, contact: "${template}" }` }, env);
    expect(wb.watch.contact).toBe(value);
  });

  it('a value is used as it is, not interpolated again', () => {
    const wb = load(
      { watch: 'watch: { id: w, title: W, contact: "${SIGNPOST_T1}" }' },
      { SIGNPOST_T1: '${SIGNPOST_T2}', SIGNPOST_T2: 'v2' },
    );
    expect(wb.watch.contact).toBe('${SIGNPOST_T2}');
  });

  it('an unset variable without a fallback is a problem naming it, at its place', () => {
    const path = join(
      folder({ 'watchbook.yaml': text({ watch: 'watch: { id: w, title: W, contact: "${SIGNPOST_T1}" }' }) }),
      'watchbook.yaml',
    );
    const result = loadWatchbook(path, { SIGNPOST_T2: 'v2' });
    expect(result.problems.map(formatProblem)).toEqual([`${path}:2:36: environment variable SIGNPOST_T1 is not set`]);
    expect(result.watchbook).toBeUndefined();
  });

  it('only the env given is read', () => {
    const path = join(
      folder({
        'watchbook.yaml': text({
          watch: 'watch: { id: w, title: W, contact: "${SIGNPOST_LOAD_TEST_ONLY_IN_PROCESS}" }',
        }),
      }),
      'watchbook.yaml',
    );
    process.env.SIGNPOST_LOAD_TEST_ONLY_IN_PROCESS = 'from the process';
    try {
      expect(loadWatchbook(path, {}).problems.map((p) => p.message)).toEqual([
        'environment variable SIGNPOST_LOAD_TEST_ONLY_IN_PROCESS is not set',
      ]);
    } finally {
      delete process.env.SIGNPOST_LOAD_TEST_ONLY_IN_PROCESS;
    }
  });

  it('interpolates in every string: a webhook, a URL, a list item', () => {
    const wb = load(
      {
        sources:
          'sources: [{ id: src, type: rss, url: "https://${SIGNPOST_T1}/feed", credibility: 0.5, lang: en, tags: ["${SIGNPOST_T2}"] }]',
        routes: 'routes: { receiver: desk }',
        receivers: 'receivers: { desk: { slack: { webhook: "${SIGNPOST_T3}" } } }',
      },
      { SIGNPOST_T1: 'feeds.example.org', SIGNPOST_T2: 'wire', SIGNPOST_T3: 'https://hooks.example.org/T0' },
    );
    expect([wb.sources[0]!.url, wb.sources[0]!.tags, wb.receivers[0]!.slack?.webhook]).toEqual([
      'https://feeds.example.org/feed',
      ['wire'],
      'https://hooks.example.org/T0',
    ]);
  });
});

describe('a folder watchbook', () => {
  const wb = (() => {
    const { watchbook, problems } = loadWatchbook(`${B}valid-folder`, {});
    expect(problems.map(formatProblem)).toEqual([]);
    return watchbook!;
  })();

  it('adds the rules of rules/*.yaml after those of watchbook.yaml', () => {
    expect(wb.rules.map((r) => r.id)).toEqual(['talks-held', 'poll-rejects', 'poll-accepts']);
    expect(wb.rules[2]).toEqual({
      id: 'poll-accepts',
      indicator: 'ukraine-polling',
      title: 'A poll shows Ukrainians accepting security guarantees',
      fields: ['title', 'summary', 'content'],
      match: { all: ['poll*', ['accept*', 'support*']], any: ['guarantee*'] },
      evidence: { baseline: 0.5, risk: 0 },
      severity: 'low',
      negated: 'ignore',
      hedged: 'reduce',
    });
  });

  it('adds the tests of tests/*.yaml, each knowing where it was written', () => {
    expect(wb.tests.map((t) => [t.name, t.at])).toEqual([
      ['a poll from the pollster', `${B}valid-folder/watchbook.yaml:70:5`],
      ['polls on guarantees', `${B}valid-folder/tests/polls.yaml:3:5`],
      ['talks-held: example 1', `${B}valid-folder/watchbook.yaml:57:15`],
      ['talks-held: counter-example 1', `${B}valid-folder/watchbook.yaml:58:18`],
      ['poll-accepts: example 1', `${B}valid-folder/rules/polls.yaml:11:15`],
      ['poll-accepts: counter-example 1', `${B}valid-folder/rules/polls.yaml:12:18`],
    ]);
    expect(wb.tests[1]).toEqual({
      name: 'polls on guarantees',
      at: `${B}valid-folder/tests/polls.yaml:3:5`,
      items: [
        { title: 'Poll: Ukrainians accept security guarantees' },
        { title: 'New poll: support for guarantees grows', source: 'wire-en', tags: ['wire', 'news'] },
      ],
      match: ['poll-accepts'],
      noMatch: [],
      scenario: 'baseline',
    });
  });

  it('merges every section of every file, in file-name order, and reads .yml but no other file', () => {
    const dir = folder({
      'watchbook.yaml': text({ rules: 'rules: [{ id: r0, indicator: ind, match: word, evidence: { a: strong } }]' }),
      'rules/b.yaml': 'rules: [{ id: r2, indicator: extra, match: word, evidence: { b: weak } }]\n',
      'rules/a.yml':
        'indicators: { extra: { title: Extra } }\nrules: [{ id: r1, indicator: ind, match: word, evidence: { a: weak } }]\n',
      'rules/notes.txt': 'not: [yaml\n',
      'tests/t.yaml': 'tests: [{ name: t, item: a word, match: [r0, r1] }]\n',
      'README.md': '# not part of the watchbook\n',
    });
    const { watchbook, problems } = loadWatchbook(dir, {});
    expect(problems.map(formatProblem)).toEqual([]);
    expect(watchbook!.rules.map((r) => r.id)).toEqual(['r0', 'r1', 'r2']);
    expect(watchbook!.indicators.map((i) => i.id)).toEqual(['ind', 'extra']);
    expect(watchbook!.tests.map((t) => [t.name, t.at, t.items, t.match])).toEqual([
      ['t', `${join(dir, 'tests/t.yaml')}:1:9`, [{ title: 'a word' }], ['r0', 'r1']],
    ]);
  });

  it('a folder without watchbook.yaml, or a path that does not exist, is one problem at 1:1', () => {
    const empty = folder({ 'rules/a.yaml': 'rules: []\n' });
    expect(loadWatchbook(empty, {}).problems.map(formatProblem)).toEqual([
      `${empty}:1:1: no watchbook here: ${empty} has no watchbook.yaml`,
    ]);
    const missing = join(tmp, 'does-not-exist');
    expect(loadWatchbook(missing, {}).problems.map(formatProblem)).toEqual([
      `${missing}:1:1: no watchbook here: ${missing} does not exist`,
    ]);
  });
});

describe('rule tests', () => {
  it('inline rule tests become tests: one per example and one per counter-example', () => {
    const wb = load({
      rules:
        'rules: [{ id: r, indicator: ind, match: word, evidence: { a: strong }, tests: { match: ["a word", { title: "the word", source: src }], no_match: [nothing] } }]',
    });
    expect(wb.tests.map(({ at: _at, ...t }) => t)).toEqual([
      { name: 'r: example 1', items: [{ title: 'a word' }], match: ['r'], noMatch: [] },
      { name: 'r: example 2', items: [{ title: 'the word', source: 'src', tags: [] }], match: ['r'], noMatch: [] },
      { name: 'r: counter-example 1', items: [{ title: 'nothing' }], match: [], noMatch: ['r'] },
    ]);
  });

  const SOURCES = `sources: [
  { id: wire, type: rss, url: "https://example.org/wire", credibility: 0.5, lang: en, tags: [wire, news] },
  { id: plain, type: rss, url: "https://example.org/plain", credibility: 0.5, lang: uk } ]`;

  // prettier-ignore
  it.each([
    ['a title string: no tags', '"a word"', { title: 'a word' }],
    ['no source: no tags', '{ title: a word, lang: uk }', { title: 'a word', lang: 'uk' }],
    ["a source: the source's tags", '{ title: a word, source: wire }', { title: 'a word', source: 'wire', tags: ['wire', 'news'] }],
    ['a source without tags: an empty list', '{ title: a word, source: plain }', { title: 'a word', source: 'plain', tags: [] }],
    ['its own tags: those, not the source\'s', '{ title: a word, source: wire, tags: [official] }', { title: 'a word', source: 'wire', tags: ['official'] }],
    ['every field kept', '{ title: t, summary: s, content: c, url: "https://example.org/1", source: wire }', {
      title: 't', summary: 's', content: 'c', url: 'https://example.org/1', source: 'wire', tags: ['wire', 'news'],
    }],
  ])('a test item with %s', (_what, yaml, item) => {
    const wb = load({ sources: SOURCES, tests: `tests: [{ name: t, item: ${yaml}, match: [r] }]` });
    expect(wb.tests[0]!.items).toEqual([item]);
  });

  it("items of an inline rule test get their source's tags too", () => {
    const wb = load({
      sources: SOURCES,
      rules:
        'rules: [{ id: r, indicator: ind, match: word, evidence: { a: strong }, tests: { no_match: [{ title: x, source: wire }] } }]',
    });
    expect(wb.tests[0]!.items).toEqual([{ title: 'x', source: 'wire', tags: ['wire', 'news'] }]);
  });

  it('"items" gives several items and "scenario" is kept', () => {
    const wb = load({ tests: 'tests: [{ name: t, items: [one, { title: two }], no_match: [r], scenario: b }]' });
    const { at: _at, ...test } = wb.tests[0]!;
    expect(test).toEqual({
      name: 't',
      items: [{ title: 'one' }, { title: 'two' }],
      match: [],
      noMatch: ['r'],
      scenario: 'b',
    });
  });
});
