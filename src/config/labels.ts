// The closed set of alert labels (alerts/make.ts), and the checks that keep route matchers, silences and the
// CLI's label arguments inside it. A misspelt label (`sevrity`) or value (`kind: source_health`) would
// otherwise be accepted and silently never match, so it is refused with a "did you mean" instead.
//
// Matchers are Alertmanager's (https://prometheus.io/docs/alerting/latest/configuration/#matcher):
// `name=value`, `name!=value`, `name=~regex`, `name!~regex`, the value optionally in double quotes. A regex
// is anchored at both ends, as Alertmanager anchors it, and must pass the rules' safety check
// (rules/regex-check.ts): a route sees every alert, so a catastrophic pattern would stall the dispatcher.

import type { LabelMatcher, MatchOp, Watchbook } from '../model/watchbook.js';
import { SEVERITIES } from '../model/watchbook.js';
import { compileSafeRegex } from '../rules/index.js';
import { didYouMean } from './suggest.js';

/** The labels an alert carries, and nothing else. */
export const LABEL_NAMES = ['kind', 'indicator', 'scenario', 'severity', 'source', 'rule'] as const;
export type LabelName = (typeof LABEL_NAMES)[number];

/** alerts/make.ts: one per kind of alert (model/alert.ts AlertKind). */
export const ALERT_KINDS = ['match', 'scenario', 'indicator', 'source-health'] as const;

/** The values each label may take in this watchbook. */
export type LabelValues = Record<LabelName, readonly string[]>;

/** The ids a watchbook defines, by the label that carries them. */
export interface WatchbookIds {
  indicators: Iterable<string>;
  scenarios: Iterable<string>;
  sources: Iterable<string>;
  rules: Iterable<string>;
}

export function labelValues(ids: WatchbookIds): LabelValues {
  return {
    kind: ALERT_KINDS,
    severity: SEVERITIES,
    indicator: [...ids.indicators],
    scenario: [...ids.scenarios],
    source: [...ids.sources],
    rule: [...ids.rules],
  };
}

/**
 * `severity=~"high|critical"` as a matcher, or what is wrong with it. Inside double quotes, `\"` and `\\` are
 * a quote and a backslash; other backslashes are kept, for regexes such as `"\d+"`.
 */
export function parseMatcher(text: string): LabelMatcher | string {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/s.exec(text);
  if (!m)
    return `expected a matcher such as severity="high", kind!="match" or severity=~"high|critical", got "${text}"`;
  const [, name, op, raw] = m as unknown as [string, string, MatchOp, string];
  let value = raw;
  if (raw.startsWith('"')) {
    const closed = raw.length >= 2 && raw.endsWith('"') && (!raw.endsWith('\\"') || raw.endsWith('\\\\"'));
    if (!closed) return `unclosed quote in the matcher "${text}"`;
    value = raw.slice(1, -1).replace(/\\(["\\])/g, '$1');
  }
  return { name, op, value };
}

/** The matcher as Alertmanager writes it: `severity=~"high|critical"`. */
export function formatMatcher(m: LabelMatcher): string {
  return `${m.name}${m.op}${JSON.stringify(m.value)}`;
}

/** Every problem with one label name, or undefined. */
export function checkLabelName(name: string): string | undefined {
  if ((LABEL_NAMES as readonly string[]).includes(name)) return undefined;
  return `unknown label "${name}"${didYouMean(name, LABEL_NAMES)}: alerts carry ${LABEL_NAMES.join(', ')}`;
}

/**
 * What is wrong with a value for a known label, or undefined. The empty value is always allowed: as in
 * Alertmanager it stands for "the label is absent" (a source-health alert has no `indicator`).
 */
export function checkLabelValue(name: LabelName, value: string, values: LabelValues): string | undefined {
  const known = values[name];
  if (value === '' || known.includes(value)) return undefined;
  const what =
    name === 'kind' || name === 'severity' ? `, expected one of ${known.join(', ')}` : ': the watchbook has no such id';
  return `unknown ${name} "${value}"${didYouMean(value, known)}${what}`;
}

/** A label name and value as `label=value` gives them (silences, `routes test`): every problem. */
export function checkLabel(name: string, value: string, values: LabelValues): string[] {
  const bad = checkLabelName(name);
  if (bad) return [bad];
  const badValue = checkLabelValue(name as LabelName, value, values);
  return badValue ? [badValue] : [];
}

/**
 * Every problem with a matcher: its label, its value (for = and !=), its regex (for =~ and !~): unsafe,
 * invalid, or matching none of the label's values, which is a typo as surely as an unknown value is.
 */
export function checkMatcher(m: LabelMatcher, values: LabelValues): string[] {
  const bad = checkLabelName(m.name);
  if (bad) return [bad];
  const name = m.name as LabelName;
  if (m.op === '=' || m.op === '!=') {
    const badValue = checkLabelValue(name, m.value, values);
    return badValue ? [badValue] : [];
  }
  const re = matcherRegex(m.value);
  if (typeof re === 'string') return [re];
  const known = values[name];
  if (known.length && !re.test('') && !known.some((v) => re.test(v))) {
    return [
      `the regex "${m.value}" matches no ${name}${didYouMean(m.value, known)}: expected it to match one of ${known.join(', ')}`,
    ];
  }
  return [];
}

/**
 * The regex of a matcher value, anchored as Alertmanager anchors it (`^(?:value)$`), or why it is refused.
 * Label values are matched case-sensitively, as in Alertmanager.
 */
export function matcherRegex(value: string): RegExp | string {
  const anchored = `^(?:${value})$`;
  try {
    compileSafeRegex(anchored);
    return new RegExp(anchored, 'u');
  } catch (err) {
    return (err as Error).message.replace(/^rules: /, '');
  }
}

/** The label values of a loaded watchbook. */
export function watchbookLabelValues(
  wb: Pick<Watchbook, 'indicators' | 'scenarios' | 'sources' | 'rules'>,
): LabelValues {
  const ids = (list: readonly { id: string }[]) => list.map((x) => x.id);
  return labelValues({
    indicators: ids(wb.indicators),
    scenarios: ids(wb.scenarios),
    sources: ids(wb.sources),
    rules: ids(wb.rules),
  });
}

/**
 * `label=value`, `label!=value`, `label=~regex`, `label!~regex` arguments (`signpost alerts list`,
 * `silence list`) as matchers, or every problem with them, each prefixed by the argument.
 */
export function parseMatcherArgs(
  args: readonly string[],
  values: LabelValues,
): { matchers: LabelMatcher[]; errors: string[] } {
  const matchers: LabelMatcher[] = [];
  const errors: string[] = [];
  for (const arg of args) {
    const m = parseMatcher(arg);
    if (typeof m === 'string') {
      errors.push(m);
      continue;
    }
    const found = checkMatcher(m, values);
    if (found.length) errors.push(...found.map((e) => `${arg}: ${e}`));
    else matchers.push(m);
  }
  return { matchers, errors };
}
