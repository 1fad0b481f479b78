// One fixture per mistake, each with the exact `file:line:col: message` lines `signpost validate` must print,
// in the spirit of Alertmanager's config tests. The fixtures are in test/fixtures/broken/ (see its README):
// valid.yaml with one mistake each, or valid-folder/ with one mistake in one of its files.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { formatProblem, loadWatchbook, MAX_FILE_BYTES } from '../../src/config/index.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
// Messages carry the path as passed: fixtures are passed relative to the repository root.
if (process.cwd() !== ROOT) process.chdir(ROOT);

const DIR = 'test/fixtures/broken';
const B = `${DIR}/`;
const CLI = 'dist/jobs/main.js';
const SECRET = 'hunter2-secret';
// Given explicitly, so the machine's environment does not matter. SIGNPOST_TEST_MISSING_VAR is never set.
const ENV = { SIGNPOST_TEST_SECRET: SECRET };
// Set SIGNPOST_TEST_CLI_ALL=1 to run the CLI on every fixture (about 0.2 s each), not only the rows with `cli`.
const CLI_ALL = process.env.SIGNPOST_TEST_CLI_ALL === '1';

interface Case {
  /** A file or folder under test/fixtures/broken. */
  fixture: string;
  /** Every problem, formatted, in the loader's order (file, line, col). */
  expected: string[];
  /** Also run `signpost validate --config` on it. */
  cli?: true;
}

// prettier-ignore
const CASES: Case[] = [
  // --- YAML syntax -------------------------------------------------------------------------------------
  { fixture: 'yaml-unclosed-quote.yaml', expected: [`${B}yaml-unclosed-quote.yaml:5:21: YAML syntax: Missing closing "quote`], cli: true },
  {
    fixture: 'yaml-unclosed-bracket.yaml',
    expected: [`${B}yaml-unclosed-bracket.yaml:43:5: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]`],
  },
  {
    fixture: 'yaml-unquoted-star-word.yaml',
    expected: [`${B}yaml-unquoted-star-word.yaml:65:23: *reject is a YAML alias of no anchor &reject defined before it; quote it ("*reject") for a word that starts with *`],
    cli: true,
  },
  { fixture: 'tab-indentation.yaml', expected: [`${B}tab-indentation.yaml:26:1: tab used for indentation: YAML indents with spaces`], cli: true },
  { fixture: 'tab-after-spaces.yaml', expected: [`${B}tab-after-spaces.yaml:12:3: tab used for indentation: YAML indents with spaces`] },
  { fixture: 'duplicate-yaml-key.yaml', expected: [`${B}duplicate-yaml-key.yaml:13:5: duplicate key "prior": each key may appear once in a mapping`] },

  // --- keys ----------------------------------------------------------------------------------------------
  { fixture: 'misspelt-top-level-key.yaml', expected: [`${B}misspelt-top-level-key.yaml:82:1: unknown key "recievers" (did you mean "receivers"?)`], cli: true },
  // A misspelt required key is one mistake: no "missing required key" besides the "did you mean".
  { fixture: 'misspelt-rule-key.yaml', expected: [`${B}misspelt-rule-key.yaml:47:5: rules[0]: unknown key "indicatr" (did you mean "indicator"?)`] },
  {
    fixture: 'misspelt-rule-match-key.yaml',
    expected: [`${B}misspelt-rule-match-key.yaml:49:5: rules[0]: unknown key "mach" (did you mean "match"?)`],
  },
  { fixture: 'misspelt-match-key.yaml', expected: [`${B}misspelt-match-key.yaml:50:7: rules[0].match: unknown key "alll" (did you mean "all"?)`] },
  { fixture: 'source-unknown-key.yaml', expected: [`${B}source-unknown-key.yaml:33:5: sources[0]: unknown key "intreval"`] },
  {
    fixture: 'rule-without-match.yaml',
    expected: [`${B}rule-without-match.yaml:46:5: rules[0]: missing required key "match"`],
  },

  // --- types and values ------------------------------------------------------------------------------
  { fixture: 'prior-wrong-type.yaml', expected: [`${B}prior-wrong-type.yaml:12:12: scenarios.baseline.prior: expected a number, got a string`], cli: true },
  { fixture: 'prior-out-of-range.yaml', expected: [`${B}prior-out-of-range.yaml:15:12: scenarios.risk.prior: expected a number less than 1`] },
  { fixture: 'bad-duration-every.yaml', expected: [`${B}bad-duration-every.yaml:33:12: sources[0].every: expected a duration such as 30s, 15m, 6h, 1h30m or 30d`], cli: true },
  {
    fixture: 'bad-duration-half-life.yaml',
    expected: [`${B}bad-duration-half-life.yaml:23:16: indicators.miami-talks.half_life: expected a duration such as 30s, 15m, 6h, 1h30m or 30d`],
  },
  {
    fixture: 'bad-window-date.yaml',
    expected: [`${B}bad-window-date.yaml:21:21: indicators.miami-talks.window.from: expected a date such as 2026-06-01 or 2026-06-01T09:00:00Z`],
  },
  { fixture: 'window-to-before-from.yaml', expected: [`${B}window-to-before-from.yaml:21:37: window.to must be after window.from`] },
  {
    fixture: 'half-life-too-long.yaml',
    expected: [`${B}half-life-too-long.yaml:23:16: half_life must be at most 100d (evidence is scored, and kept, for ten half-lives), got 120d`],
  },
  {
    fixture: 'evidence-unknown-word.yaml',
    expected: [
      `${B}evidence-unknown-word.yaml:66:23: rules[1].evidence.risk: expected one of strong, moderate, weak, against-weak, against-moderate, against-strong`,
    ],
  },
  { fixture: 'unknown-severity.yaml', expected: [`${B}unknown-severity.yaml:55:15: rules[0].severity: expected one of info, low, high, critical`] },
  { fixture: 'unknown-field.yaml', expected: [`${B}unknown-field.yaml:62:21: rules[1].fields[1]: expected one of title, summary, content`] },
  { fixture: 'near-within-zero.yaml', expected: [`${B}near-within-zero.yaml:65:50: rules[1].match.near.within: expected a number more than 0`] },
  { fixture: 'bad-id.yaml', expected: [`${B}bad-id.yaml:46:9: rules[0].id: expected an id of lower-case letters, digits and "-"`] },
  { fixture: 'source-url-not-http.yaml', expected: [`${B}source-url-not-http.yaml:32:10: sources[0].url: expected an http(s) URL`] },
  { fixture: 'source-credibility-above-one.yaml', expected: [`${B}source-credibility-above-one.yaml:34:18: sources[0].credibility: expected a number at most 1`] },
  {
    fixture: 'source-html-without-select.yaml',
    expected: [`${B}source-html-without-select.yaml:38:11: source "pollster" is an html page: it needs "select" with the CSS selectors of its items`],
  },
  { fixture: 'select-on-rss-source.yaml', expected: [`${B}select-on-rss-source.yaml:37:5: "select" is only for html sources; "wire-en" is rss`] },
  {
    fixture: 'alert-exit-not-below-enter.yaml',
    expected: [`${B}alert-exit-not-below-enter.yaml:16:33: alert.exit must be lower than alert.enter, or the alert would flap`],
  },
  { fixture: 'unknown-time-zone.yaml', expected: [`${B}unknown-time-zone.yaml:6:13: unknown time zone "Europe/Kyyiv"`] },
  {
    fixture: 'public-url-not-web.yaml',
    expected: [`${B}public-url-not-web.yaml:7:15: watch.public_url: expected an absolute http(s) URL without credentials, query or fragment, such as https://signpost.example.org/`],
  },
  { fixture: 'digest-bad-cron.yaml', expected: [`${B}digest-bad-cron.yaml:83:60: receiver "digest": expected a cron schedule such as "0 7 * * *" (minute hour day month weekday)`] },
  { fixture: 'receiver-without-channel.yaml', expected: [`${B}receiver-without-channel.yaml:83:11: receiver "digest" needs "email", "slack" or "webhook"`] },
  { fixture: 'silence-ends-before-start.yaml', expected: [`${B}silence-ends-before-start.yaml:87:71: a silence must end after it starts`] },
  {
    fixture: 'only-one-scenario.yaml',
    expected: [
      `${B}only-one-scenario.yaml:10:3: a watchbook needs at least two scenarios to tell apart`,
      `${B}only-one-scenario.yaml:62:17: unknown scenario "risk"`,
      `${B}only-one-scenario.yaml:70:15: unknown scenario "risk"`,
    ],
    cli: true,
  },

  // --- ids and references ----------------------------------------------------------------------------
  {
    fixture: 'rule-unknown-indicator.yaml',
    expected: [`${B}rule-unknown-indicator.yaml:60:16: unknown indicator "ukraine-poling" (did you mean "ukraine-polling"?)`],
    cli: true,
  },
  { fixture: 'evidence-unknown-scenario.yaml', expected: [`${B}evidence-unknown-scenario.yaml:54:17: unknown scenario "baselne" (did you mean "baseline"?)`] },
  {
    fixture: 'duplicate-source-id.yaml',
    expected: [`${B}duplicate-source-id.yaml:44:11: duplicate source id "wire-en" (first at ${B}duplicate-source-id.yaml:29:5)`],
  },
  {
    fixture: 'duplicate-rule-id.yaml',
    expected: [`${B}duplicate-rule-id.yaml:68:9: duplicate rule id "talks-held" (first at ${B}duplicate-rule-id.yaml:46:5)`],
    cli: true,
  },
  // Names JavaScript objects reserve: as a key, `__proto__` was dropped without a word (here the scenario
  // vanished and the message was "needs at least two scenarios"); `constructor` reads through to
  // Object.prototype wherever an id indexes a plain object.
  { fixture: 'reserved-scenario-id.yaml', expected: [`${B}reserved-scenario-id.yaml:10:3: "__proto__" cannot be an id or a key: JavaScript objects reserve it`], cli: true },
  { fixture: 'reserved-indicator-id.yaml', expected: [`${B}reserved-indicator-id.yaml:24:3: "constructor" cannot be an id or a key: JavaScript objects reserve it`] },
  { fixture: 'reserved-receiver-id.yaml', expected: [`${B}reserved-receiver-id.yaml:84:3: "__proto__" cannot be an id or a key: JavaScript objects reserve it`] },
  {
    fixture: 'reserved-source-id.yaml',
    expected: [`${B}reserved-source-id.yaml:37:9: sources[1].id: expected an id other than __proto__, constructor or prototype (JavaScript objects reserve them)`],
  },
  {
    fixture: 'reserved-rule-id.yaml',
    expected: [`${B}reserved-rule-id.yaml:59:9: rules[1].id: expected an id other than __proto__, constructor or prototype (JavaScript objects reserve them)`],
    cli: true,
  },
  { fixture: 'test-unknown-rule.yaml', expected: [`${B}test-unknown-rule.yaml:72:13: unknown rule "poll-reject" (did you mean "poll-rejects"?)`] },
  { fixture: 'test-item-unknown-source.yaml', expected: [`${B}test-item-unknown-source.yaml:71:67: unknown source "polster" (did you mean "pollster"?)`] },
  { fixture: 'route-unknown-receiver.yaml', expected: [`${B}route-unknown-receiver.yaml:80:58: unknown receiver "dsk" (did you mean "desk"?)`] },
  { fixture: 'root-route-without-receiver.yaml', expected: [`${B}root-route-without-receiver.yaml:77:3: the root route needs a "receiver" for alerts no child route takes`] },
  { fixture: 'root-route-with-match.yaml', expected: [`${B}root-route-with-match.yaml:78:3: the root route takes every alert: it cannot have "match"`] },
  // Labels are a closed set (config/labels.ts): a misspelt name or value would silently never match.
  {
    fixture: 'route-misspelt-label.yaml',
    expected: [`${B}route-misspelt-label.yaml:80:18: unknown label "sevrity" (did you mean "severity"?): alerts carry kind, indicator, scenario, severity, source, rule`],
    cli: true,
  },
  {
    fixture: 'route-unknown-kind.yaml',
    expected: [`${B}route-unknown-kind.yaml:80:24: unknown kind "source_health" (did you mean "source-health"?), expected one of match, scenario, indicator, source-health`],
  },
  {
    fixture: 'route-unknown-severity.yaml',
    expected: [`${B}route-unknown-severity.yaml:80:35: unknown severity "critcal" (did you mean "critical"?), expected one of info, low, high, critical`],
  },
  { fixture: 'route-unknown-indicator.yaml', expected: [`${B}route-unknown-indicator.yaml:80:29: unknown indicator "miami-talk" (did you mean "miami-talks"?): the watchbook has no such id`] },
  {
    fixture: 'route-matcher-bad-syntax.yaml',
    expected: [`${B}route-matcher-bad-syntax.yaml:80:20: expected a matcher such as severity="high", kind!="match" or severity=~"high|critical", got "severity high"`],
  },
  {
    fixture: 'route-matcher-misspelt-label.yaml',
    expected: [`${B}route-matcher-misspelt-label.yaml:80:20: unknown label "sevrity" (did you mean "severity"?): alerts carry kind, indicator, scenario, severity, source, rule`],
  },
  {
    fixture: 'route-matcher-unsafe-regex.yaml',
    expected: [`${B}route-matcher-unsafe-regex.yaml:80:20: nested repetition like (a+)+ is not allowed in /^(?:(wire-.+)+)$/: it can take exponential time`],
  },
  {
    fixture: 'route-matcher-regex-matches-nothing.yaml',
    expected: [`${B}route-matcher-regex-matches-nothing.yaml:80:20: the regex "source_health|outage" matches no kind: expected it to match one of match, scenario, indicator, source-health`],
  },
  {
    fixture: 'silence-misspelt-label.yaml',
    expected: [`${B}silence-misspelt-label.yaml:87:19: unknown label "indicatr" (did you mean "indicator"?): alerts carry kind, indicator, scenario, severity, source, rule`],
  },
  { fixture: 'silence-unknown-indicator.yaml', expected: [`${B}silence-unknown-indicator.yaml:87:30: unknown indicator "miami-talk" (did you mean "miami-talks"?): the watchbook has no such id`] },
  {
    fixture: 'inhibit-rule-unknown-kind.yaml',
    expected: [`${B}inhibit-rule-unknown-kind.yaml:91:23: unknown kind "mach" (did you mean "match"?), expected one of match, scenario, indicator, source-health`],
  },
  {
    fixture: 'route-unknown-time-interval.yaml',
    expected: [`${B}route-unknown-time-interval.yaml:80:102: unknown time interval "nigths" (did you mean "nights"?)`],
    cli: true,
  },
  {
    fixture: 'time-interval-across-midnight.yaml',
    expected: [
      `${B}time-interval-across-midnight.yaml:91:48: end_time (07:00) must be after start_time (22:00); a range across midnight is two: start_time 22:00, end_time 24:00 and start_time 00:00, end_time 07:00`,
    ],
  },
  {
    fixture: 'inhibit-rule-misspelt-equal.yaml',
    expected: [`${B}inhibit-rule-misspelt-equal.yaml:92:13: unknown label "scenrio" (did you mean "scenario"?): alerts carry kind, indicator, scenario, severity, source, rule`],
  },

  // --- match expressions -----------------------------------------------------------------------------
  {
    fixture: 'regex-backreference.yaml',
    expected: [String.raw`${B}regex-backreference.yaml:64:27: backreference \1 is not supported (RE2 semantics) in /(poll)\s+\1/`],
    cli: true,
  },
  { fixture: 'regex-lookahead.yaml', expected: [`${B}regex-lookahead.yaml:64:27: lookaround (?= is not supported (RE2 semantics) in /poll(?=s)/`] },
  {
    fixture: 'regex-nested-quantifier.yaml',
    expected: [`${B}regex-nested-quantifier.yaml:64:27: nested repetition like (a+)+ is not allowed in /(pol+)+s/: it can take exponential time`],
  },
  // Patterns that backtrack catastrophically (issue 12): /(?:a|aa)*b/ took 41 s on 40 letters.
  {
    fixture: 'regex-overlapping-alternation.yaml',
    expected: [
      String.raw`${B}regex-overlapping-alternation.yaml:64:27: repeated alternation with branches that can match the same text ("poll" and "polls" in (?:poll|polls)) is not allowed in /\b(?:poll|polls)+\b/: it can take exponential time`,
    ],
    cli: true,
  },
  {
    fixture: 'regex-trading-repetitions.yaml',
    expected: [
      `${B}regex-trading-repetitions.yaml:64:27: unbounded repetitions .* and .* can trade characters (both match "s", and so does what stands between) in /poll.*s.*ed/: a failing match tries every split between them, in time polynomial in the text; make what stands between required and distinct, or use "near"`,
    ],
  },
  {
    fixture: 'regex-huge-count.yaml',
    expected: [`${B}regex-huge-count.yaml:64:27: repetition l{2,5000} counts up to 5000 in /pol{2,5000}s/: at most 1000 (nested counts multiply)`],
  },
  {
    // The pattern appears twice (the second time with the flags iu): see the report; recorded as it is.
    fixture: 'regex-bad-syntax.yaml',
    expected: [String.raw`${B}regex-bad-syntax.yaml:64:27: invalid regular expression /\bpoll(s|ed\b/: Unterminated group`],
  },
  {
    fixture: 'match-none-alone.yaml',
    expected: [`${B}match-none-alone.yaml:50:7: needs at least one of "all", "any" or "near": "none" alone would match everything`],
    cli: true,
  },
  { fixture: 'match-empty-any.yaml', expected: [`${B}match-empty-any.yaml:64:12: an empty list matches nothing; give at least one term`] },
  { fixture: 'cue-regex.yaml', expected: [`${B}cue-regex.yaml:90:19: a cue is a word, a prefix* or a phrase, not a regular expression: "re:vetoe?s"`] },
  { fixture: 'match-lone-star.yaml', expected: [`${B}match-lone-star.yaml:52:11: a lone "*" matches every word, in "*"`] },
  { fixture: 'match-star-inside-word.yaml', expected: [`${B}match-star-inside-word.yaml:51:36: "*" is allowed only at the end of a word, in "meet*ing"`] },

  // --- environment -----------------------------------------------------------------------------------
  { fixture: 'env-missing-variable.yaml', expected: [`${B}env-missing-variable.yaml:84:29: environment variable SIGNPOST_TEST_MISSING_VAR is not set`], cli: true },
  // SIGNPOST_TEST_SECRET is set to a value that is not a URL: the message must say so without printing it.
  { fixture: 'env-secret-bad-webhook.yaml', expected: [`${B}env-secret-bad-webhook.yaml:84:29: receiver "desk": the Slack webhook is not an http(s) URL`], cli: true },

  // --- folders: the problem is reported with the path of the file it is in -----------------------------
  {
    fixture: 'folder-duplicate-rule-id',
    expected: [
      `${B}folder-duplicate-rule-id/rules/talks.yaml:3:9: duplicate rule id "talks-held" (first at ${B}folder-duplicate-rule-id/watchbook.yaml:46:5)`,
    ],
    cli: true,
  },
  {
    fixture: 'folder-rule-file-unknown-indicator',
    expected: [`${B}folder-rule-file-unknown-indicator/rules/polls.yaml:4:16: unknown indicator "ukraine-poling" (did you mean "ukraine-polling"?)`],
  },
  {
    fixture: 'folder-rule-file-misspelt-key',
    expected: [`${B}folder-rule-file-misspelt-key/rules/polls.yaml:9:5: rules[0]: unknown key "evidense" (did you mean "evidence"?)`],
    cli: true,
  },
  {
    fixture: 'folder-rule-file-unclosed-quote',
    expected: [`${B}folder-rule-file-unclosed-quote/rules/polls.yaml:5:66: YAML syntax: Missing closing "quote`],
  },
  // An alias bomb, and a folder named like a rules file: both once threw out of the loader (and ended a
  // process on hot reload); now they are problems like any other.
  {
    fixture: 'folder-rule-file-alias-bomb',
    expected: [`${B}folder-rule-file-alias-bomb/rules/bomb.yaml:3:8: YAML aliases expand to too many nodes (more than 100): refused as an alias bomb`],
    cli: true,
  },
  {
    fixture: 'folder-rule-file-is-a-folder',
    expected: [`${B}folder-rule-file-is-a-folder/rules/extra.yaml:1:1: a folder, where a YAML file was expected: rename or remove it`],
    cli: true,
  },
  {
    fixture: 'folder-test-file-unknown-rule',
    expected: [`${B}folder-test-file-unknown-rule/tests/polls.yaml:7:13: unknown rule "poll-acepts" (did you mean "poll-accepts"?)`],
  },
];

/** Fixtures with their own tests below instead of a row. */
const OWN_TESTS = ['valid.yaml', 'valid-folder', 'env-secret-time-zone.yaml', 'README.md'];

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

const runs = new Map<string, Run>();
/** `signpost validate --config PATH` with only PATH and the test variables in its environment (memoized). */
function validate(path: string): Run {
  let run = runs.get(path);
  if (!run) {
    expect(existsSync(resolve(ROOT, CLI)), `${CLI} is missing: run npm run build`).toBe(true);
    const r = spawnSync(process.execPath, [CLI, 'validate', '--config', path], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...ENV },
      encoding: 'utf8',
      timeout: 15_000,
    });
    run = { status: r.status, stdout: r.stdout, stderr: r.stderr };
    runs.set(path, run);
  }
  return run;
}

const lines = (text: string) => text.split('\n').filter((l) => l !== '');
const countLine = (n: number, path: string) => `${n} problem${n === 1 ? '' : 's'} in ${path}`;

describe('broken watchbooks (test/fixtures/broken)', () => {
  it('has a row for every fixture, and a fixture for every row', () => {
    const rows = CASES.map((c) => c.fixture);
    const fixtures = readdirSync(DIR).filter((f) => !OWN_TESTS.includes(f));
    expect(new Set(rows).size).toBe(rows.length);
    expect([...rows].sort()).toEqual([...fixtures].sort());
    expect(rows.length).toBeGreaterThanOrEqual(30);
  });

  for (const c of CASES) {
    const path = B + c.fixture;

    describe(c.fixture, () => {
      it('the loader reports exactly the expected problems', () => {
        const { watchbook, problems } = loadWatchbook(path, ENV);
        expect(problems.map(formatProblem)).toEqual(c.expected);
        expect(watchbook).toBeUndefined();
      });

      it('the loader reports problems, and never a set variable’s value', () => {
        const { watchbook, problems, warnings } = loadWatchbook(path, ENV);
        expect(watchbook).toBeUndefined();
        expect(problems.length).toBeGreaterThan(0);
        for (const p of [...problems, ...warnings]) expect(formatProblem(p)).not.toContain(SECRET);
      });

      if (c.cli || CLI_ALL) {
        it('signpost validate exits 1, ends with the count of problems and prints no value', () => {
          const run = validate(path);
          expect(run.status).toBe(1);
          expect(run.stdout).toBe('');
          expect(lines(run.stderr).at(-1)).toMatch(/^\d+ problems? in /);
          expect(lines(run.stderr).at(-1)!.endsWith(` in ${path}`)).toBe(true);
          expect(run.stdout + run.stderr).not.toContain(SECRET);
        });

        it('signpost validate prints exactly the expected lines and their count on stderr', () => {
          const run = validate(path);
          expect(lines(run.stderr)).toEqual([...c.expected, countLine(c.expected.length, path)]);
        });
      }
    });
  }
});

describe('the valid bases', () => {
  for (const [fixture, summary] of [
    ['valid.yaml', '2 scenarios, 2 indicators, 2 sources, 2 rules, 3 tests, 2 receivers'],
    ['valid-folder', '2 scenarios, 2 indicators, 2 sources, 3 rules, 6 tests, 2 receivers'],
  ] as const) {
    const path = B + fixture;

    it(`${fixture} loads with no problems and no warnings`, () => {
      const { watchbook, problems, warnings } = loadWatchbook(path, ENV);
      expect(problems.map(formatProblem)).toEqual([]);
      expect(warnings.map(formatProblem)).toEqual([]);
      expect(watchbook).toBeDefined();
    });

    it(`signpost validate ${fixture} exits 0`, () => {
      const run = validate(path);
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe(`${path}: ok: ${summary}\n`);
      expect(run.status).toBe(0);
    });
  }
});

describe('environment variables', () => {
  it('are read from the env given to the loader, not from the process', () => {
    expect(process.env.SIGNPOST_TEST_MISSING_VAR).toBeUndefined();
    const given = loadWatchbook(`${B}env-missing-variable.yaml`, {
      SIGNPOST_TEST_MISSING_VAR: 'https://hooks.example.org/given',
    });
    expect(given.problems.map(formatProblem)).toEqual([]);
    expect(given.watchbook?.receivers.find((r) => r.id === 'desk')?.slack?.webhook).toBe(
      'https://hooks.example.org/given',
    );
  });

  it('a set variable with a bad value is reported without printing it (loader and CLI)', () => {
    const { problems } = loadWatchbook(`${B}env-secret-bad-webhook.yaml`, ENV);
    expect(problems.map((p) => p.message)).toEqual(['receiver "desk": the Slack webhook is not an http(s) URL']);
    const run = validate(`${B}env-secret-bad-webhook.yaml`);
    expect(run.status).toBe(1);
    expect(run.stdout + run.stderr).not.toContain(SECRET);
  });

  // env-secret-time-zone.yaml: `timezone: "${SIGNPOST_TEST_SECRET}"`. Messages quote what was written; a
  // value from the environment is shown as the variable it came from, never as itself.
  it('a bad time zone taken from a variable is reported at its place', () => {
    const { problems } = loadWatchbook(`${B}env-secret-time-zone.yaml`, ENV);
    expect(problems.map(formatProblem)).toEqual([
      `${B}env-secret-time-zone.yaml:6:13: unknown time zone "\${SIGNPOST_TEST_SECRET}"`,
    ]);
    const run = validate(`${B}env-secret-time-zone.yaml`);
    expect(run.status).toBe(1);
    expect(lines(run.stderr)[0]).toBe(
      `${B}env-secret-time-zone.yaml:6:13: unknown time zone "\${SIGNPOST_TEST_SECRET}"`,
    );
  });

  it('a bad time zone taken from a variable is reported without printing the value', () => {
    const { problems } = loadWatchbook(`${B}env-secret-time-zone.yaml`, ENV);
    for (const p of problems) expect(p.message).not.toContain(SECRET);
    const run = validate(`${B}env-secret-time-zone.yaml`);
    expect(run.stdout + run.stderr).not.toContain(SECRET);
  });
});

// Too big to keep as fixtures: made in a temp folder from valid-folder/.
describe('a watchbook file over the size limit (1 MiB)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'signpost-big-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const rules = readFileSync(`${B}valid-folder/rules/polls.yaml`, 'utf8');
  /** valid-folder/ with rules/polls.yaml padded by a trailing comment to `size` bytes, or replaced by `text`. */
  const folderWith = (name: string, opts: { size?: number; text?: string }) => {
    const dir = join(tmp, name);
    cpSync(`${B}valid-folder`, dir, { recursive: true });
    const text = opts.text ?? `${rules}#${'x'.repeat(opts.size! - Buffer.byteLength(rules) - 2)}\n`;
    writeFileSync(join(dir, 'rules', 'polls.yaml'), text);
    return dir;
  };

  it('loads a file of exactly 1 MiB', () => {
    const dir = folderWith('at-limit', { size: MAX_FILE_BYTES });
    const { watchbook, problems } = loadWatchbook(dir, ENV);
    expect(problems.map(formatProblem)).toEqual([]);
    expect(watchbook?.rules).toHaveLength(3);
  });

  it('refuses a file one byte over, naming the file and the limit', () => {
    const dir = folderWith('over-limit', { size: MAX_FILE_BYTES + 1 });
    const { watchbook, problems } = loadWatchbook(dir, ENV);
    expect(watchbook).toBeUndefined();
    expect(problems.map(formatProblem)).toEqual([
      `${dir}/rules/polls.yaml:1:1: the file is 1.0 MiB (1048577 bytes); a watchbook file may be at most 1 MiB: split it into files under rules/ and tests/`,
    ]);
  });

  it('refuses a 50 MB file before parsing it: no YAML problem of its text is reported', () => {
    // 50 MB of unclosed flow sequences: parsed, it would be a YAML syntax problem (after a long parse).
    const dir = folderWith('huge', { text: '['.repeat(50 * 1000 * 1000) });
    const { watchbook, problems } = loadWatchbook(dir, ENV);
    expect(watchbook).toBeUndefined();
    expect(problems.map(formatProblem)).toEqual([
      `${dir}/rules/polls.yaml:1:1: the file is 47.7 MiB (50000000 bytes); a watchbook file may be at most 1 MiB: split it into files under rules/ and tests/`,
    ]);
  });
});
