// From the checked YAML shape to the model runtime code trusts: defaults filled in, durations in ms,
// dates in epoch ms, evidence in nats for every scenario, priors summing to 1, inline rule tests as tests.

import type { LabelMatcher, Route, RuleTest, TestItem, Watchbook } from '../model/watchbook.js';
import { FIELDS, type Field, type Severity } from '../model/watchbook.js';
import { redactUrl } from '../model/redact.js';
import { parseDateIn, parseEndDateIn } from './date.js';
import { parseDuration } from './duration.js';
import { parseMatcher } from './labels.js';
import { where, type Draft } from './merge.js';
import type { RouteIn, TestItemIn } from './schema.js';
import { toTimeIntervalSpec } from './time-interval.js';
import { evidenceNats, type EvidenceWord } from './weights.js';

const DEFAULT_SOURCE_EVERY = '30m';
const DEFAULT_HALF_LIFE = '30d';
const DEFAULT_CAP = 3;

const ms = (d: string) => parseDuration(d)!;
const optionalMs = (d: string | undefined) => (d === undefined ? undefined : ms(d));

export function toWatchbook(d: Draft): Watchbook {
  const timezone = d.watch!.value.timezone ?? 'UTC';
  const date = (text: string) => parseDateIn(text, timezone);
  const endDate = (text: string) => parseEndDateIn(text, timezone);
  const scenarioIds = [...d.scenarios.keys()];
  const priorSum = [...d.scenarios.values()].reduce((sum, s) => sum + s.value.prior, 0);
  const sources = d.sources.map(({ value: s, at }) => {
    // What was written, each value from the environment as its ${NAME}: what is shown instead of `url`.
    const written = at.file.interpolatedAt([...at.path, 'url']);
    const secrets = written && Object.keys(written.secrets).length ? { secrets: written.secrets } : {};
    return {
      id: s.id,
      ...(s.title !== undefined && { title: s.title }),
      type: s.type,
      url: s.url,
      displayUrl: redactUrl(written?.shown ?? s.url),
      ...secrets,
      everyMs: ms(s.every ?? DEFAULT_SOURCE_EVERY),
      credibility: s.credibility,
      lang: s.lang,
      tags: s.tags ?? [],
      ...(s.select && { select: s.select }),
    };
  });
  const tagsOf = new Map(sources.map((s) => [s.id, s.tags]));
  const item = (i: TestItemIn): TestItem => {
    if (typeof i === 'string') return { title: i };
    const tags = i.tags ?? (i.source ? tagsOf.get(i.source) : undefined);
    return { ...i, ...(tags && { tags }) };
  };

  const tests: RuleTest[] = d.tests.map(({ value: t, at }) => ({
    name: t.name,
    at: where(at),
    items: (t.items ?? (t.item === undefined ? [] : [t.item])).map(item),
    match: t.match ?? [],
    noMatch: t.no_match ?? [],
    ...(t.scenario !== undefined && { scenario: t.scenario }),
  }));
  for (const { value: r, at } of d.rules) {
    r.tests?.match?.forEach((i, n) =>
      tests.push({
        name: `${r.id}: example ${n + 1}`,
        at: where({ ...at, path: [...at.path, 'tests', 'match', n] }),
        items: [item(i)],
        match: [r.id],
        noMatch: [],
      }),
    );
    r.tests?.no_match?.forEach((i, n) =>
      tests.push({
        name: `${r.id}: counter-example ${n + 1}`,
        at: where({ ...at, path: [...at.path, 'tests', 'no_match', n] }),
        items: [item(i)],
        match: [],
        noMatch: [r.id],
      }),
    );
  }

  return {
    watch: {
      id: d.watch!.value.id,
      title: d.watch!.value.title,
      timezone,
      ...(d.watch!.value.contact !== undefined && { contact: d.watch!.value.contact }),
      ...(d.watch!.value.public_url !== undefined && { publicUrl: new URL(d.watch!.value.public_url).href }),
      allowPrivate: d.watch!.value.allow_private ?? false,
    },
    scenarios: [...d.scenarios].map(([id, { value: s }]) => ({
      id,
      title: s.title,
      ...(s.description !== undefined && { description: s.description }),
      prior: s.prior / priorSum,
      ...(s.alert && { alert: { enter: s.alert.enter, exit: s.alert.exit, forMs: optionalMs(s.alert.for) ?? 0 } }),
    })),
    indicators: [...d.indicators].map(([id, { value: i }]) => ({
      id,
      title: i.title,
      ...(i.description !== undefined && { description: i.description }),
      ...(i.window && {
        window: {
          from: date(i.window.from),
          to: endDate(i.window.to),
          ...(i.window.every && { everyMs: ms(i.window.every) }),
        },
      }),
      ...(i.expect && { expectEveryMs: ms(i.expect.every) }),
      halfLifeMs: ms(i.half_life ?? DEFAULT_HALF_LIFE),
      cap: i.cap ?? DEFAULT_CAP,
    })),
    sources,
    rules: d.rules.map(({ value: r }) => ({
      id: r.id,
      indicator: r.indicator,
      ...(r.title !== undefined && { title: r.title }),
      ...(r.description !== undefined && { description: r.description }),
      ...(r.when && { when: r.when }),
      fields: (r.fields ?? [...FIELDS]) as Field[],
      match: r.match,
      evidence: Object.fromEntries(
        scenarioIds.map((s) => [
          s,
          r.evidence[s] === undefined ? 0 : evidenceNats(r.evidence[s] as number | EvidenceWord),
        ]),
      ),
      severity: (r.severity ?? 'low') as Severity,
      negated: r.negated ?? 'ignore',
      hedged: r.hedged ?? 'reduce',
    })),
    cues: d.cues?.value ?? {},
    tests,
    routes: d.routes ? toRoute(d.routes.value) : { receiver: undefined, match: {}, continue: false, routes: [] },
    receivers: [...d.receivers].map(
      ([
        id,
        {
          value: { digest_when_empty, ...r },
        },
      ]) => ({ id, ...r, ...(digest_when_empty && { digestWhenEmpty: true }) }),
    ),
    silences: d.silences.map(({ value: s }) => ({
      matchers: labels(s.matchers),
      starts: date(s.starts),
      ends: endDate(s.ends),
      author: s.author,
      comment: s.comment,
    })),
    timeIntervals: Object.fromEntries(
      [...d.time_intervals].map(([id, { value }]) => [id, value.map(toTimeIntervalSpec)]),
    ),
    inhibitRules: d.inhibit_rules.map(({ value: r }) => ({
      sourceMatchers: matchers(r.source_matchers),
      targetMatchers: matchers(r.target_matchers),
      equal: r.equal ?? [],
    })),
  };
}

function toRoute(r: RouteIn): Route {
  return {
    ...(r.receiver !== undefined && { receiver: r.receiver }),
    match: labels(r.match ?? {}),
    ...(r.matchers && { matchers: matchers(r.matchers) }),
    continue: r.continue ?? false,
    ...(r.group_by && { groupBy: r.group_by }),
    ...(r.group_wait && { groupWaitMs: ms(r.group_wait) }),
    ...(r.group_interval && { groupIntervalMs: ms(r.group_interval) }),
    ...(r.repeat_interval && { repeatIntervalMs: ms(r.repeat_interval) }),
    ...(r.mute_time_intervals && { muteTimeIntervals: r.mute_time_intervals }),
    ...(r.active_time_intervals && { activeTimeIntervals: r.active_time_intervals }),
    routes: (r.routes ?? []).map(toRoute),
  };
}

/** Each parsed when references were checked; a matcher that did not parse never gets here. */
function matchers(texts: readonly string[]): LabelMatcher[] {
  return texts.map((m) => parseMatcher(m)).filter((m) => typeof m !== 'string');
}

function labels(m: Record<string, string | string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
}
