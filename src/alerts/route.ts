// The routing tree, as Prometheus Alertmanager walks it (dispatch/route.go, `Route.Match`):
//
//   - every alert enters at the root; a node whose `match` fails takes nothing below it;
//   - children are tried in order, depth first; the first that matches ends the walk of its siblings,
//     unless it says `continue`, in which case later siblings are tried too;
//   - a node none of whose children matched handles the alert itself;
//   - receiver, group_by and the three timers are inherited from the parent where a node leaves them unset.
//
// A `match` maps a label to the values it allows; every listed label must hold one of them. A missing label
// reads as the empty string, as in Alertmanager, so `{ severity: [''] }` takes alerts without a severity.
// `matchers` are Alertmanager's (`severity=~"high|critical"`, `kind!="match"`), all of which must hold
// too; a regex must match the whole value (Alertmanager anchors it as ^(?:...)$). The loader vetted each
// regex (config/labels.ts); here they are only compiled, once each.

import type { LabelMatcher, Route } from '../model/watchbook.js';
import { formatMs } from './format.js';

/** Alertmanager's defaults (docs/configuration.md, `<route>`). */
export const DEFAULT_GROUP_WAIT_MS = 30_000;
export const DEFAULT_GROUP_INTERVAL_MS = 5 * 60_000;
export const DEFAULT_REPEAT_INTERVAL_MS = 4 * 3_600_000;

/** `group_by: ['...']` groups by every label: each distinct label set is its own group. */
export const GROUP_BY_ALL = '...';

export interface RouteTimers {
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
}

/** A route an alert reached, with everything it inherited filled in. */
export interface MatchedRoute extends RouteTimers {
  receiver: string;
  groupBy: string[];
  /** Where the route sits in the tree, e.g. `{}/0{severity="high|critical"}`: part of the group key. */
  path: string;
  /** The route as written. */
  route: Route;
}

/** The routes that take an alert with these labels, in tree order. Routes that inherit no receiver are left out. */
export function routeAlert(labels: Readonly<Record<string, string>>, root: Route): MatchedRoute[] {
  return walk(labels, root, rootSettings(root), '{}').filter((r): r is MatchedRoute => r.receiver !== undefined);
}

/** True when every label the matcher lists holds one of its allowed values (a missing label reads as ''). */
export function matchesLabels(
  labels: Readonly<Record<string, string>>,
  match: Readonly<Record<string, readonly string[]>>,
): boolean {
  return Object.entries(match).every(([label, allowed]) => allowed.includes(labels[label] ?? ''));
}

/** True when every matcher holds; a missing label reads as ''. */
export function matchesMatchers(labels: Readonly<Record<string, string>>, matchers: readonly LabelMatcher[]): boolean {
  return matchers.every((m) => matcherHolds(m, labels[m.name] ?? ''));
}

const regexes = new Map<string, RegExp>();

function matcherHolds(m: LabelMatcher, value: string): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    default: {
      let re = regexes.get(m.value);
      if (!re) {
        re = new RegExp(`^(?:${m.value})$`, 'u');
        regexes.set(m.value, re);
      }
      return re.test(value) === (m.op === '=~');
    }
  }
}

/**
 * What `signpost routes test label=value ...` prints: one line per route reached, in order, receiver first,
 * then the route path and its settings. A tree that takes the alert nowhere says so.
 */
export function describeRoutes(labels: Readonly<Record<string, string>>, root: Route): string[] {
  const reached = walk(labels, root, rootSettings(root), '{}');
  if (!reached.length) return ['(no route: the root route does not match these labels)'];
  return reached.map((r) => {
    const groupBy = r.groupBy.length ? r.groupBy.join(', ') : '(none)';
    const timers = `wait ${formatMs(r.groupWaitMs)}, interval ${formatMs(r.groupIntervalMs)}, repeat ${formatMs(r.repeatIntervalMs)}`;
    return `${r.receiver ?? '(no receiver)'}  ${r.path}  group_by: ${groupBy}; ${timers}`;
  });
}

/** `label=value` arguments as labels, or what is wrong with them. A label given twice keeps the last value. */
export function parseLabelArgs(args: readonly string[]): { labels: Record<string, string>; errors: string[] } {
  const labels: Record<string, string> = {};
  const errors: string[] = [];
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) errors.push(`routes: expected label=value, got "${arg}"`);
    else labels[arg.slice(0, eq).trim()] = arg.slice(eq + 1).trim();
  }
  return { labels, errors };
}

type Reached = Omit<MatchedRoute, 'receiver'> & { receiver: string | undefined };
type Settings = Omit<Reached, 'path' | 'route'>;

function rootSettings(root: Route): Settings {
  return {
    receiver: root.receiver,
    groupBy: root.groupBy ?? [],
    groupWaitMs: root.groupWaitMs ?? DEFAULT_GROUP_WAIT_MS,
    groupIntervalMs: root.groupIntervalMs ?? DEFAULT_GROUP_INTERVAL_MS,
    repeatIntervalMs: root.repeatIntervalMs ?? DEFAULT_REPEAT_INTERVAL_MS,
  };
}

function inherit(parent: Settings, route: Route): Settings {
  return {
    receiver: route.receiver ?? parent.receiver,
    groupBy: route.groupBy ?? parent.groupBy,
    groupWaitMs: route.groupWaitMs ?? parent.groupWaitMs,
    groupIntervalMs: route.groupIntervalMs ?? parent.groupIntervalMs,
    repeatIntervalMs: route.repeatIntervalMs ?? parent.repeatIntervalMs,
  };
}

function walk(labels: Readonly<Record<string, string>>, route: Route, settings: Settings, path: string): Reached[] {
  if (!matchesLabels(labels, route.match) || !matchesMatchers(labels, route.matchers ?? [])) return [];
  const reached: Reached[] = [];
  for (const [i, child] of route.routes.entries()) {
    const below = walk(labels, child, inherit(settings, child), `${path}/${i}${formatMatch(child)}`);
    reached.push(...below);
    if (below.length && !child.continue) break;
  }
  return reached.length ? reached : [{ ...settings, path, route }];
}

/**
 * `{kind="match|scenario",severity="high"}`, labels sorted, so the path reads the same however YAML ordered
 * it; then the matchers, sorted, as written in Alertmanager's syntax (`severity=~"high|critical"`). A route
 * without matchers keeps the path it had before they existed, and so the group keys stored under it.
 */
function formatMatch(route: Pick<Route, 'match' | 'matchers'>): string {
  const parts = Object.keys(route.match)
    .sort()
    .map((k) => `${k}="${(route.match[k] ?? []).join('|')}"`);
  const matchers = (route.matchers ?? []).map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).sort();
  return `{${[...parts, ...matchers].join(',')}}`;
}

/**
 * What `signpost routes show` prints, as `amtool config routes show` does: the tree, one line per route, with
 * its matchers, receiver, group_by, timers, `continue` and time intervals. The root reads `default-route`; settings a route
 * inherits are shown as they take effect.
 */
export function showRoutes(root: Route): string[] {
  const lines = ['Routing tree:'];
  const visit = (route: Route, settings: Settings, prefix: string, last: boolean, isRoot: boolean) => {
    const name = isRoot ? 'default-route' : formatMatch(route);
    const groupBy = settings.groupBy.length ? settings.groupBy.join(', ') : '(none)';
    const parts = [
      name,
      ...(route.continue ? ['continue: true'] : []),
      `receiver: ${settings.receiver ?? '(none)'}`,
      `group_by: [${groupBy}]`,
      `wait ${formatMs(settings.groupWaitMs)}, interval ${formatMs(settings.groupIntervalMs)}, repeat ${formatMs(settings.repeatIntervalMs)}`,
      // Not inherited, so shown only where written.
      ...(route.muteTimeIntervals?.length ? [`mute: [${route.muteTimeIntervals.join(', ')}]`] : []),
      ...(route.activeTimeIntervals?.length ? [`active: [${route.activeTimeIntervals.join(', ')}]`] : []),
    ];
    lines.push(`${prefix}${last ? '└── ' : '├── '}${parts.join('  ')}`);
    const below = prefix + (last ? '    ' : '│   ');
    route.routes.forEach((child, i) =>
      visit(child, inherit(settings, child), below, i === route.routes.length - 1, false),
    );
  };
  visit(root, rootSettings(root), '', true, true);
  return lines;
}
