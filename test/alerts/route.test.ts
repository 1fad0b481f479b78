import { describe, expect, it } from 'vitest';
import { describeRoutes, parseLabelArgs, routeAlert, type MatchedRoute } from '../../src/alerts/index.js';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import type { Route } from '../../src/model/watchbook.js';

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
    const settings = (r: MatchedRoute | undefined) => r && { groupBy: r.groupBy, wait: r.groupWaitMs, interval: r.groupIntervalMs, repeat: r.repeatIntervalMs };
    expect(settings(desk)).toEqual({ groupBy: ['indicator'], wait: 30 * S, interval: 5 * M, repeat: 4 * H });
    expect(settings(digest)).toEqual({ groupBy: ['indicator'], wait: 30 * S, interval: 5 * M, repeat: 4 * H });
    expect(desk?.path).not.toEqual(digest?.path);
  });
});

describe('routeAlert: matching', () => {
  const a = route({ match: { kind: ['match'] }, receiver: 'a' });
  const b = route({ match: { severity: ['high'] }, receiver: 'b' });

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
    return r && { receiver: r.receiver, groupBy: r.groupBy, wait: r.groupWaitMs, interval: r.groupIntervalMs, repeat: r.repeatIntervalMs };
  };

  it.each([
    ['the root fills what it leaves unset with Alertmanager’s defaults', 'kind=scenario', { receiver: 'root', groupBy: ['indicator'], wait: 10 * S, interval: 5 * M, repeat: 1 * H }],
    ['a child overrides group_by and a timer, inheriting the rest', 'kind=match', { receiver: 'desk', groupBy: ['rule'], wait: 10 * S, interval: 2 * M, repeat: 1 * H }],
    ['a grandchild inherits its parent’s overrides, not the root’s', 'kind=match severity=critical', { receiver: 'desk', groupBy: ['rule'], wait: 0, interval: 2 * M, repeat: 1 * H }],
  ])('%s', (_, args, want) => {
    expect(only(args)).toEqual(want);
  });

  it('defaults to group_wait 30s, group_interval 5m, repeat_interval 4h and no grouping labels', () => {
    expect(routeAlert({}, route({ receiver: 'r' }))).toMatchObject([{ groupBy: [], groupWaitMs: 30 * S, groupIntervalMs: 5 * M, repeatIntervalMs: 4 * H }]);
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
    expect(describeRoutes(labels('kind=match severity=low'), docsTree)).toEqual(['analysts-digest  {}  group_by: indicator; wait 30s, interval 5m, repeat 4h']);
  });

  it('says when nothing takes the alert', () => {
    expect(describeRoutes({ kind: 'scenario' }, route({ match: { kind: ['match'] } }))).toEqual(['(no route: the root route does not match these labels)']);
  });

  it('names a route that has no receiver to inherit', () => {
    expect(describeRoutes({}, route({}))).toEqual(['(no receiver)  {}  group_by: (none); wait 30s, interval 5m, repeat 4h']);
  });
});

describe('parseLabelArgs', () => {
  it('reads label=value words, a value may hold "="', () => {
    expect(parseLabelArgs(['kind=match', 'rule=a=b'])).toEqual({ labels: { kind: 'match', rule: 'a=b' }, errors: [] });
  });

  it('says which words are not label=value', () => {
    expect(parseLabelArgs(['kind', '=high']).errors).toEqual(['routes: expected label=value, got "kind"', 'routes: expected label=value, got "=high"']);
  });
});
