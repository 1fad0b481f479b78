// Checks that need the whole watchbook: ids unique, names that point somewhere real, values that make
// sense together. Runs after every file passed the schema.

import { checkCue, checkRule } from '../rules/index.js';
import { FIELDS, type Field } from '../model/watchbook.js';
import { isCron } from './cron.js';
import { formatDuration, parseDuration } from './duration.js';
import {
  checkLabelName,
  checkLabelValue,
  checkMatcher,
  labelValues,
  parseMatcher,
  type LabelName,
  type LabelValues,
} from './labels.js';
import { problemAt, where, type Draft, type Located } from './merge.js';
import type { Problem } from './problem.js';
import type { RouteIn, TestItemIn } from './schema.js';
import { didYouMean } from './suggest.js';
import { checkTimeInterval } from './time-interval.js';

/**
 * The longest half_life. Scoring reads evidence ten half-lives back, so the worker keeps it that long (1,000
 * days at most), and the seen-set must remember item keys longer still, so that an item whose evidence was
 * purged never comes back as new: it keeps them three years (store/options.ts DEFAULT_SEEN_TTL_MS;
 * test/pipeline/prune-evidence.test.ts checks the three figures together).
 */
export const MAX_HALF_LIFE_MS = 100 * 86_400_000;

export function checkReferences(d: Draft, problems: Problem[], warnings: Problem[]): void {
  const need = (what: string, present: boolean) => {
    if (!present) problems.push(d.main.problemAt(0, `the watchbook has no "${what}"`));
  };
  need('version', d.version !== undefined);
  need('watch', d.watch !== undefined);
  if (d.scenarios.size < 2)
    problems.push(d.main.problemAtPath(['scenarios'], 'a watchbook needs at least two scenarios to tell apart'));

  const scenarios = [...d.scenarios.keys()];
  const indicators = [...d.indicators.keys()];
  const receivers = [...d.receivers.keys()];
  const sourceIds = uniqueIds('source', d.sources, problems);
  const ruleIds = uniqueIds('rule', d.rules, problems);
  const ref = (kind: string, id: string, known: string[], at: Located<unknown>['at'], path: (string | number)[]) => {
    if (!known.includes(id)) problems.push(problemAt(at, path, `unknown ${kind} "${id}"${didYouMean(id, known)}`));
  };

  if (d.watch?.value.timezone && !isTimeZone(d.watch.value.timezone)) {
    problems.push(problemAt(d.watch.at, ['timezone'], `unknown time zone "${d.watch.value.timezone}"`));
  }
  for (const [, { value: s, at }] of d.scenarios) {
    if (s.alert && s.alert.exit >= s.alert.enter)
      problems.push(
        problemAt(at, ['alert', 'exit'], 'alert.exit must be lower than alert.enter, or the alert would flap'),
      );
  }
  for (const [, { value: ind, at }] of d.indicators) {
    if (ind.window && Date.parse(ind.window.from) >= Date.parse(ind.window.to))
      problems.push(problemAt(at, ['window', 'to'], 'window.to must be after window.from'));
    const halfLife = ind.half_life === undefined ? undefined : parseDuration(ind.half_life);
    if (halfLife !== undefined && halfLife > MAX_HALF_LIFE_MS) {
      problems.push(
        problemAt(
          at,
          ['half_life'],
          `half_life must be at most ${formatDuration(MAX_HALF_LIFE_MS)} (evidence is scored, and kept, for ten half-lives), got ${ind.half_life}`,
        ),
      );
    }
  }
  for (const { value: s, at } of d.sources) {
    if (s.type === 'html' && !s.select)
      problems.push(
        problemAt(
          at,
          ['type'],
          `source "${s.id}" is an html page: it needs "select" with the CSS selectors of its items`,
        ),
      );
    if (s.type !== 'html' && s.select)
      problems.push(
        problemAt(at, ['select'], `"select" is only for html sources; "${s.id}" is ${s.type}`, { key: true }),
      );
  }
  d.rules.forEach(({ value: r, at }) => {
    ref('indicator', r.indicator, indicators, at, ['indicator']);
    for (const scenario of Object.keys(r.evidence)) {
      if (!scenarios.includes(scenario))
        problems.push(
          problemAt(at, ['evidence', scenario], `unknown scenario "${scenario}"${didYouMean(scenario, scenarios)}`, {
            key: true,
          }),
        );
    }
    r.when?.source?.forEach((s, i) => ref('source', s, sourceIds, at, ['when', 'source', i]));
    const fields = (r.fields ?? FIELDS) as Field[];
    for (const p of checkRule({ match: r.match, fields }))
      problems.push(problemAt(at, ['match', ...p.path], p.message));
    r.tests?.match?.forEach((item, i) => checkTestItem(item, sourceIds, at, ['tests', 'match', i], problems));
    r.tests?.no_match?.forEach((item, i) => checkTestItem(item, sourceIds, at, ['tests', 'no_match', i], problems));
  });
  for (const key of ['negators', 'hedges'] as const) {
    for (const [lang, terms] of Object.entries(d.cues?.value[key] ?? {})) {
      terms.forEach((term, i) => {
        const problem = checkCue(term);
        if (problem) problems.push(problemAt(d.cues!.at, [key, lang, i], problem));
      });
    }
  }
  for (const { value: t, at } of d.tests) {
    if (t.item === undefined && t.items === undefined)
      problems.push(problemAt(at, [], `test "${t.name}" needs "item" or "items"`));
    if (t.item !== undefined && t.items !== undefined)
      problems.push(problemAt(at, ['items'], `test "${t.name}" has both "item" and "items"; use one`, { key: true }));
    if (!t.match?.length && !t.no_match?.length && !t.scenario)
      problems.push(problemAt(at, [], `test "${t.name}" checks nothing: give "match", "no_match" or "scenario"`));
    t.match?.forEach((id, i) => ref('rule', id, ruleIds, at, ['match', i]));
    t.no_match?.forEach((id, i) => ref('rule', id, ruleIds, at, ['no_match', i]));
    if (t.scenario) ref('scenario', t.scenario, scenarios, at, ['scenario']);
    if (t.item !== undefined) checkTestItem(t.item, sourceIds, at, ['item'], problems);
    t.items?.forEach((item, i) => checkTestItem(item, sourceIds, at, ['items', i], problems));
  }
  const values = labelValues({ indicators, scenarios, sources: sourceIds, rules: ruleIds });
  const intervals = [...d.time_intervals.keys()];
  for (const [, { value: specs, at }] of d.time_intervals) {
    specs.forEach((spec, i) => {
      for (const p of checkTimeInterval(spec)) problems.push(problemAt(at, [i, ...p.path], p.message));
    });
  }
  if (d.routes) checkRoute(d.routes.value, [], true, { receivers, intervals, values, at: d.routes.at, problems });
  else if (receivers.length)
    warnings.push(d.main.problemAt(0, 'receivers are defined but there are no "routes": no alert will reach them'));
  for (const [id, { value: r, at }] of d.receivers) {
    if (!r.email && !r.slack && !r.webhook)
      problems.push(problemAt(at, [], `receiver "${id}" needs "email", "slack" or "webhook"`));
    if (r.digest && !isCron(r.digest))
      problems.push(
        problemAt(
          at,
          ['digest'],
          `receiver "${id}": expected a cron schedule such as "0 7 * * *" (minute hour day month weekday)`,
        ),
      );
    if (r.slack?.webhook === '')
      warnings.push(
        problemAt(
          at,
          ['slack', 'webhook'],
          `receiver "${id}": the Slack webhook is empty, so its Slack messages cannot be sent until it is set`,
        ),
      );
    else if (r.slack && !/^https?:\/\/\S+$/.test(r.slack.webhook))
      problems.push(problemAt(at, ['slack', 'webhook'], `receiver "${id}": the Slack webhook is not an http(s) URL`));
    if (r.webhook?.url === '')
      warnings.push(
        problemAt(
          at,
          ['webhook', 'url'],
          `receiver "${id}": the webhook URL is empty, so its webhook messages cannot be sent until it is set`,
        ),
      );
    else if (r.webhook && !/^https?:\/\/\S+$/.test(r.webhook.url))
      problems.push(problemAt(at, ['webhook', 'url'], `receiver "${id}": the webhook URL is not an http(s) URL`));
    if (r.webhook?.secret === '')
      warnings.push(
        problemAt(
          at,
          ['webhook', 'secret'],
          `receiver "${id}": the webhook secret is empty, so its webhook messages are not sent (never unsigned) until it is set`,
        ),
      );
  }
  for (const { value: s, at } of d.silences) {
    if (Date.parse(s.ends) <= Date.parse(s.starts))
      problems.push(problemAt(at, ['ends'], 'a silence must end after it starts'));
    checkLabelMap(s.matchers, ['matchers'], values, at, problems);
  }
  for (const { value: r, at } of d.inhibit_rules) {
    for (const key of ['source_matchers', 'target_matchers'] as const)
      checkMatchers(r[key], [key], values, at, problems);
    r.equal?.forEach((name, i) => {
      const bad = checkLabelName(name);
      if (bad) problems.push(problemAt(at, ['equal', i], bad));
    });
  }
}

function uniqueIds(kind: string, list: Located<{ id: string }>[], problems: Problem[]): string[] {
  const seen = new Map<string, Located<unknown>>();
  for (const entry of list) {
    const first = seen.get(entry.value.id);
    if (first)
      problems.push(
        problemAt(entry.at, ['id'], `duplicate ${kind} id "${entry.value.id}" (first at ${where(first.at)})`),
      );
    else seen.set(entry.value.id, entry);
  }
  return [...seen.keys()];
}

function checkTestItem(
  item: TestItemIn,
  sources: string[],
  at: Located<unknown>['at'],
  path: (string | number)[],
  problems: Problem[],
): void {
  if (typeof item !== 'string' && item.source && !sources.includes(item.source)) {
    problems.push(
      problemAt(at, [...path, 'source'], `unknown source "${item.source}"${didYouMean(item.source, sources)}`),
    );
  }
}

interface RouteContext {
  receivers: string[];
  /** The names of the watchbook's time_intervals. */
  intervals: string[];
  values: LabelValues;
  at: Located<unknown>['at'];
  problems: Problem[];
}

function checkRoute(route: RouteIn, path: (string | number)[], root: boolean, c: RouteContext): void {
  const { at, problems } = c;
  if (root && !route.receiver)
    problems.push(problemAt(at, path, 'the root route needs a "receiver" for alerts no child route takes'));
  if (root && route.match)
    problems.push(
      problemAt(at, [...path, 'match'], 'the root route takes every alert: it cannot have "match"', { key: true }),
    );
  if (root && route.matchers)
    problems.push(
      problemAt(at, [...path, 'matchers'], 'the root route takes every alert: it cannot have "matchers"', {
        key: true,
      }),
    );
  for (const key of ['mute_time_intervals', 'active_time_intervals'] as const) {
    // As in Alertmanager: the root is where every alert lands, so muting it would mute everything.
    if (root && route[key])
      problems.push(
        problemAt(at, [...path, key], `the root route cannot have "${key}": give it to a child route`, { key: true }),
      );
    route[key]?.forEach((name, i) => {
      if (!c.intervals.includes(name))
        problems.push(
          problemAt(at, [...path, key, i], `unknown time interval "${name}"${didYouMean(name, c.intervals)}`),
        );
    });
  }
  if (route.receiver && !c.receivers.includes(route.receiver)) {
    problems.push(
      problemAt(
        at,
        [...path, 'receiver'],
        `unknown receiver "${route.receiver}"${didYouMean(route.receiver, c.receivers)}`,
      ),
    );
  }
  if (!root && route.match) checkLabelMap(route.match, [...path, 'match'], c.values, at, problems);
  if (route.matchers) checkMatchers(route.matchers, [...path, 'matchers'], c.values, at, problems);
  route.routes?.forEach((child, i) => checkRoute(child, [...path, 'routes', i], false, c));
}

/** Matchers in Alertmanager's syntax (a route's, an inhibit rule's): each parses, in the closed set of labels. */
function checkMatchers(
  list: readonly string[],
  path: (string | number)[],
  values: LabelValues,
  at: Located<unknown>['at'],
  problems: Problem[],
): void {
  list.forEach((text, i) => {
    const m = parseMatcher(text);
    const found = typeof m === 'string' ? [m] : checkMatcher(m, values);
    for (const message of found) problems.push(problemAt(at, [...path, i], message));
  });
}

/** A `label: value | [values]` map (a route's match, a silence's matchers): names and values in the closed set. */
function checkLabelMap(
  map: Record<string, string | string[]>,
  path: (string | number)[],
  values: LabelValues,
  at: Located<unknown>['at'],
  problems: Problem[],
): void {
  for (const [name, value] of Object.entries(map)) {
    const badName = checkLabelName(name);
    if (badName) {
      problems.push(problemAt(at, [...path, name], badName, { key: true }));
      continue;
    }
    const list = Array.isArray(value) ? value : [value];
    list.forEach((v, i) => {
      const bad = checkLabelValue(name as LabelName, v, values);
      if (bad) problems.push(problemAt(at, Array.isArray(value) ? [...path, name, i] : [...path, name], bad));
    });
  }
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
