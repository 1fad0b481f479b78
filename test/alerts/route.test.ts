import { describe, expect, it } from 'vitest';
import {
  describeRoutes,
  matchesMatchers,
  parseLabelArgs,
  routeAlert,
  showRoutes,
  type MatchedRoute,
} from '../../src/alerts/index.js';
import { checkMatcher, labelValues, loadWatchbookOrThrow, parseMatcher } from '../../src/config/index.js';
import type { LabelMatcher, Route } from '../../src/model/watchbook.js';

const S = 1_000;
const M = 60 * S;
const H = 60 * M;

function route(r: Partial<Route>): Route {
  return { match: {}, continue: false, routes: [], ...r };
}

/** Labels from `k=v` words, as `signpost routes test` takes them. */
function labels(args: string): Record<string, string> {
  return parseLabelArgs(args.split(' ').filter(Boolean)).labels;
}

const receivers = (matched: MatchedRoute[]) => matched.map((r) => r.receiver);

// The example of docs/watchbook.md, "Routes, receivers, silences".
const docsTree = route({
  receiver: 'analysts-digest',
  groupBy: ['indicator'],
  groupWaitMs: 30 * S,
  groupIntervalMs: 5 * M,
  repeatIntervalMs: 4 * H,
  routes: [
    route({ match: { severity: ['high', 'critical'] }, receiver: 'desk-slack', continue: true }),
    route({ match: { kind: ['source-health'] }, receiver: 'oncall-slack' }),
  ],
});

describe('routeAlert: the docs/watchbook.md example tree', () => {
  // prettier-ignore
  it.each([
    ['a high-severity match goes to the desk; continue finds no later sibling, and the root does not fall back', 'kind=match severity=high', ['desk-slack']],
    ['a critical scenario goes to the desk', 'kind=scenario severity=critical', ['desk-slack']],
    ['a low-severity match matches no child, so the root takes it', 'kind=match severity=low', ['analysts-digest']],
    ['a source-health alert goes to on-call', 'kind=source-health severity=low source=kiis', ['oncall-slack']],
    ['a critical source-health alert reaches the desk and, by continue, on-call too', 'kind=source-health severity=critical', ['desk-slack', 'oncall-slack']],
    ['an alert with no labels is the root’s', '', ['analysts-digest']],
  ])('%s', (_, args, want) => {
    expect(receivers(routeAlert(labels(args), docsTree))).toEqual(want);
  });
});

describe('routeAlert: the shipped watchbook (config/)', () => {
  const CONFIG = new URL('../../config/', import.meta.url).pathname;
  // No secrets on a test machine: the shipped watchbook must load without them.
  const root = loadWatchbookOrThrow(CONFIG, { PATH: process.env.PATH }).routes;

  // prettier-ignore
  it.each([
    ['a high-severity match reaches the desk and, by continue, the analysts’ digest', 'kind=match severity=high indicator=ukraine-polling', ['desk-slack', 'analysts-digest']],
    ['a critical match the same', 'kind=match severity=critical', ['desk-slack', 'analysts-digest']],
    ['a firing scenario (severity high) the same', 'kind=scenario scenario=risk severity=high', ['desk-slack', 'analysts-digest']],
    ['a low-severity match only the digest', 'kind=match severity=low', ['analysts-digest']],
    ['a cleared scenario (severity info) only the digest', 'kind=scenario scenario=risk severity=info', ['analysts-digest']],
    ['an indicator alert goes to the digest', 'kind=indicator indicator=ukraine-polling severity=low', ['analysts-digest']],
    ['a source-health alert goes to on-call only', 'kind=source-health source=kiis-reports severity=low', ['oncall-email']],
    ['an alert of an unknown kind falls to the root', 'kind=other', ['analysts-digest']],
  ])('%s', (_, args, want) => {
    expect(receivers(routeAlert(labels(args), root))).toEqual(want);
  });

  it('gives each route its inherited group_by and timers', () => {
    const [desk, digest] = routeAlert(labels('kind=match severity=high'), root);
    const settings = (r: MatchedRoute | undefined) =>
      r && { groupBy: r.groupBy, wait: r.groupWaitMs, interval: r.groupIntervalMs, repeat: r.repeatIntervalMs };
    expect(settings(desk)).toEqual({ groupBy: ['indicator'], wait: 30 * S, interval: 5 * M, repeat: 4 * H });
    expect(settings(digest)).toEqual({ groupBy: ['indicator'], wait: 30 * S, interval: 5 * M, repeat: 4 * H });
    expect(desk?.path).not.toEqual(digest?.path);
  });
});

describe('routeAlert: matching', () => {
  const a = route({ match: { kind: ['match'] }, receiver: 'a' });
  const b = route({ match: { severity: ['high'] }, receiver: 'b' });

  // prettier-ignore
  it.each<[string, Route, string, string[]]>([
    ['the first matching child wins without continue', route({ receiver: 'root', routes: [a, b] }), 'kind=match severity=high', ['a']],
    ['continue lets later siblings match too', route({ receiver: 'root', routes: [{ ...a, continue: true }, b] }), 'kind=match severity=high', ['a', 'b']],
    ['continue on a child that does not match changes nothing', route({ receiver: 'root', routes: [{ ...a, continue: true }, b] }), 'kind=scenario severity=high', ['b']],
    ['a child none of whose children match handles the alert itself', route({ receiver: 'root', routes: [route({ match: { kind: ['match'] }, receiver: 'mid', routes: [b] })] }), 'kind=match severity=low', ['mid']],
    ['the deepest matching route takes it', route({ receiver: 'root', routes: [route({ match: { kind: ['match'] }, receiver: 'mid', routes: [b] })] }), 'kind=match severity=high', ['b']],
    ['every label of a match must hold', route({ receiver: 'root', routes: [route({ match: { kind: ['match'], severity: ['high'] }, receiver: 'both' })] }), 'kind=match severity=low', ['root']],
    ['a label holds when its value is any of the listed ones', route({ receiver: 'root', routes: [route({ match: { severity: ['high', 'critical'] }, receiver: 'x' })] }), 'severity=critical', ['x']],
    ['a missing label reads as the empty value', route({ receiver: 'root', routes: [route({ match: { severity: [''] }, receiver: 'unrated' })] }), 'kind=match', ['unrated']],
    ['a root whose match fails takes nothing', route({ receiver: 'root', match: { kind: ['match'] } }), 'kind=scenario', []],
    ['a route without a receiver inherits its parent’s', route({ receiver: 'root', routes: [route({ match: { kind: ['match'] }, groupBy: ['rule'] })] }), 'kind=match', ['root']],
    ['a tree with no receiver anywhere delivers nowhere', route({}), 'kind=match', []],
  ])('%s', (_, tree, args, want) => {
    expect(receivers(routeAlert(labels(args), tree))).toEqual(want);
  });
});

describe('routeAlert: inheritance', () => {
  const tree = route({
    receiver: 'root',
    groupBy: ['indicator'],
    groupWaitMs: 10 * S,
    repeatIntervalMs: 1 * H,
    routes: [
      route({
        match: { kind: ['match'] },
        receiver: 'desk',
        groupBy: ['rule'],
        groupIntervalMs: 2 * M,
        routes: [route({ match: { severity: ['critical'] }, groupWaitMs: 0 })],
      }),
    ],
  });
  const only = (args: string) => {
    const [r, ...rest] = routeAlert(labels(args), tree);
    expect(rest).toEqual([]);
    return (
      r && {
        receiver: r.receiver,
        groupBy: r.groupBy,
        wait: r.groupWaitMs,
        interval: r.groupIntervalMs,
        repeat: r.repeatIntervalMs,
      }
    );
  };

  // prettier-ignore
  it.each([
    ['the root fills what it leaves unset with Alertmanager’s defaults', 'kind=scenario', { receiver: 'root', groupBy: ['indicator'], wait: 10 * S, interval: 5 * M, repeat: 1 * H }],
    ['a child overrides group_by and a timer, inheriting the rest', 'kind=match', { receiver: 'desk', groupBy: ['rule'], wait: 10 * S, interval: 2 * M, repeat: 1 * H }],
    ['a grandchild inherits its parent’s overrides, not the root’s', 'kind=match severity=critical', { receiver: 'desk', groupBy: ['rule'], wait: 0, interval: 2 * M, repeat: 1 * H }],
  ])('%s', (_, args, want) => {
    expect(only(args)).toEqual(want);
  });

  it('defaults to group_wait 30s, group_interval 5m, repeat_interval 4h and no grouping labels', () => {
    expect(routeAlert({}, route({ receiver: 'r' }))).toMatchObject([
      { groupBy: [], groupWaitMs: 30 * S, groupIntervalMs: 5 * M, repeatIntervalMs: 4 * H },
    ]);
  });
});

describe('describeRoutes (signpost routes test)', () => {
  it('lists the receivers in order, each with its route path and settings', () => {
    expect(describeRoutes(labels('kind=source-health severity=critical'), docsTree)).toEqual([
      'desk-slack  {}/0{severity="high|critical"}  group_by: indicator; wait 30s, interval 5m, repeat 4h',
      'oncall-slack  {}/1{kind="source-health"}  group_by: indicator; wait 30s, interval 5m, repeat 4h',
    ]);
  });

  it('shows the root as {}', () => {
    expect(describeRoutes(labels('kind=match severity=low'), docsTree)).toEqual([
      'analysts-digest  {}  group_by: indicator; wait 30s, interval 5m, repeat 4h',
    ]);
  });

  it('says when nothing takes the alert', () => {
    expect(describeRoutes({ kind: 'scenario' }, route({ match: { kind: ['match'] } }))).toEqual([
      '(no route: the root route does not match these labels)',
    ]);
  });

  it('names a route that has no receiver to inherit', () => {
    expect(describeRoutes({}, route({}))).toEqual([
      '(no receiver)  {}  group_by: (none); wait 30s, interval 5m, repeat 4h',
    ]);
  });
});

describe('parseLabelArgs', () => {
  it('reads label=value words, a value may hold "="', () => {
    expect(parseLabelArgs(['kind=match', 'rule=a=b'])).toEqual({ labels: { kind: 'match', rule: 'a=b' }, errors: [] });
  });

  it('says which words are not label=value', () => {
    expect(parseLabelArgs(['kind', '=high']).errors).toEqual([
      'routes: expected label=value, got "kind"',
      'routes: expected label=value, got "=high"',
    ]);
  });
});

/** A matcher from Alertmanager's syntax; the test fails on one that does not parse. */
function matcher(text: string): LabelMatcher {
  const m = parseMatcher(text);
  if (typeof m === 'string') throw new Error(m);
  return m;
}

describe('parseMatcher', () => {
  // prettier-ignore
  it.each<[string, string, LabelMatcher | string]>([
    ['equal, the value quoted', 'severity="high"', { name: 'severity', op: '=', value: 'high' }],
    ['equal, the value bare', 'severity=high', { name: 'severity', op: '=', value: 'high' }],
    ['not equal', 'kind!="match"', { name: 'kind', op: '!=', value: 'match' }],
    ['regex', 'severity=~"high|critical"', { name: 'severity', op: '=~', value: 'high|critical' }],
    ['negated regex, spaces around the operator', 'source !~ "kiis-.*"', { name: 'source', op: '!~', value: 'kiis-.*' }],
    ['an escaped quote and backslash inside quotes', String.raw`rule="a\"b\\c"`, { name: 'rule', op: '=', value: String.raw`a"b\c` }],
    ['a backslash of a regex class is kept', String.raw`rule=~"poll-\d+"`, { name: 'rule', op: '=~', value: String.raw`poll-\d+` }],
    ['the empty value', 'scenario=""', { name: 'scenario', op: '=', value: '' }],
    ['no operator', 'severity high', 'expected a matcher such as severity="high", kind!="match" or severity=~"high|critical", got "severity high"'],
    ['no label name', '="high"', 'expected a matcher such as severity="high", kind!="match" or severity=~"high|critical", got "="high""'],
    ['an unclosed quote', 'severity="high', 'unclosed quote in the matcher "severity="high"'],
  ])('%s', (_, text, want) => {
    expect(parseMatcher(text)).toEqual(want);
  });
});

describe('matchesMatchers: Alertmanager semantics', () => {
  const alert = { kind: 'match', severity: 'high', indicator: 'ukraine-polling', source: 'kiis-reports' };
  it.each<[string, string[], boolean]>([
    ['= holds on an equal value', ['severity="high"'], true],
    ['= fails on another value', ['severity="low"'], false],
    ['!= holds on another value', ['kind!="scenario"'], true],
    ['!= fails on the equal value', ['kind!="match"'], false],
    ['=~ holds when one branch matches the whole value', ['severity=~"high|critical"'], true],
    ['=~ is anchored: a regex matching part of the value does not hold', ['severity=~"hig"'], false],
    ['=~ is anchored at the start too', ['source=~"reports"'], false],
    ['=~ with a wildcard over the whole value holds', ['source=~"kiis-.*"'], true],
    ['!~ fails when the regex matches the whole value', ['source!~"kiis-.*"'], false],
    ['!~ holds when the regex matches only part of it', ['source!~"kiis"'], true],
    ['a missing label reads as empty: = "" holds', ['scenario=""'], true],
    ['a missing label reads as empty: != "x" holds', ['scenario!="risk"'], true],
    ['a missing label reads as empty: =~ ".+" fails', ['scenario=~".+"'], false],
    ['values are case-sensitive, as in Alertmanager', ['severity=~"HIGH"'], false],
    ['every matcher must hold', ['severity="high"', 'kind!="match"'], false],
    ['no matchers hold for every alert', [], true],
  ])('%s', (_, texts, want) => {
    expect(matchesMatchers(alert, texts.map(matcher))).toBe(want);
  });
});

describe('routeAlert: matchers', () => {
  const tree = route({
    receiver: 'root',
    routes: [
      route({ matchers: [matcher('severity=~"high|critical"'), matcher('kind!="source-health"')], receiver: 'desk' }),
      route({ match: { kind: ['source-health'] }, matchers: [matcher('source!~"test-.*"')], receiver: 'oncall' }),
    ],
  });
  // prettier-ignore
  it.each([
    ['a high match takes the regex route', 'kind=match severity=high', ['desk']],
    ['a critical scenario the same', 'kind=scenario severity=critical', ['desk']],
    ['a low match is no route’s: the root takes it', 'kind=match severity=low', ['root']],
    ['a critical source outage fails the negation and goes to on-call', 'kind=source-health severity=critical source=kiis', ['oncall']],
    ['an outage of a test source fails the negated regex, so the root takes it', 'kind=source-health source=test-feed', ['root']],
  ])('%s', (_, args, want) => {
    expect(receivers(routeAlert(labels(args), tree))).toEqual(want);
  });

  it('puts the matchers in the route path, sorted, after the match labels', () => {
    expect(routeAlert(labels('kind=source-health source=kiis'), tree)[0]?.path).toBe(
      '{}/1{kind="source-health",source!~"test-.*"}',
    );
  });

  it('keeps the path of a route without matchers as it was (group keys in Redis stay valid)', () => {
    expect(routeAlert(labels('kind=match severity=high'), docsTree)[0]?.path).toBe('{}/0{severity="high|critical"}');
  });
});

describe('checkMatcher: the closed set of labels', () => {
  const values = labelValues({
    indicators: ['ukraine-polling'],
    scenarios: ['risk', 'baseline'],
    sources: ['kiis-reports'],
    rules: ['poll-rejects'],
  });
  // prettier-ignore
  it.each<[string, string, string[]]>([
    ['a known label and value', 'severity="high"', []],
    ['the empty value: the label is absent', 'scenario=""', []],
    ['a misspelt label', 'sevrity="high"', ['unknown label "sevrity" (did you mean "severity"?): alerts carry kind, indicator, scenario, severity, source, rule']],
    ['an unknown kind', 'kind!="source_health"', ['unknown kind "source_health" (did you mean "source-health"?), expected one of match, scenario, indicator, source-health']],
    ['an unknown severity', 'severity="urgent"', ['unknown severity "urgent", expected one of info, low, high, critical']],
    ['an id the watchbook does not have', 'indicator="ukraine-poling"', ['unknown indicator "ukraine-poling" (did you mean "ukraine-polling"?): the watchbook has no such id']],
    ['a regex that matches some value', 'source=~"kiis-.*"', []],
    ['a regex that matches no value', 'kind=~"source_health"', ['the regex "source_health" matches no kind (did you mean "source-health"?): expected it to match one of match, scenario, indicator, source-health']],
    ['a regex that matches only the absent label', 'scenario=~""', []],
    ['a regex that can take exponential time', 'rule=~"(poll.*)+"', ['nested repetition like (a+)+ is not allowed in /^(?:(poll.*)+)$/: it can take exponential time']],
    ['an invalid regex', 'rule=~"poll("', [expect.stringMatching(/^invalid regular expression/)]],
    ['a lookahead, outside RE2 as in Alertmanager', 'rule=~"(?!poll).*"', [expect.stringMatching(/^lookaround/)]],
  ])('%s', (_, text, want) => {
    expect(checkMatcher(matcher(text), values)).toEqual(want);
  });
});

describe('showRoutes (signpost routes show)', () => {
  it('draws the tree as amtool config routes show does, with receivers, matchers, group_by and timers', () => {
    const tree = route({
      ...docsTree,
      routes: [
        ...docsTree.routes,
        route({
          matchers: [matcher('kind!="match"')],
          groupBy: ['...'],
          groupWaitMs: 0,
          routes: [route({ match: { severity: ['info'] }, receiver: 'quiet' })],
        }),
      ],
    });
    expect(showRoutes(tree)).toEqual([
      'Routing tree:',
      '└── default-route  receiver: analysts-digest  group_by: [indicator]  wait 30s, interval 5m, repeat 4h',
      '    ├── {severity="high|critical"}  continue: true  receiver: desk-slack  group_by: [indicator]  wait 30s, interval 5m, repeat 4h',
      '    ├── {kind="source-health"}  receiver: oncall-slack  group_by: [indicator]  wait 30s, interval 5m, repeat 4h',
      '    └── {kind!="match"}  receiver: analysts-digest  group_by: [...]  wait 0ms, interval 5m, repeat 4h',
      '        └── {severity="info"}  receiver: quiet  group_by: [...]  wait 0ms, interval 5m, repeat 4h',
    ]);
  });
});
