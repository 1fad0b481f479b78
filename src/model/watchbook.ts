// The validated, defaulted watchbook that runtime code trusts. Durations are milliseconds,
// dates are epoch milliseconds, evidence weights are nats. The YAML shape lives in config/schema.ts.

export type Severity = 'info' | 'low' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'high', 'critical'];

export type Field = 'title' | 'summary' | 'content';
export const FIELDS: readonly Field[] = ['title', 'summary', 'content'];

export interface Scenario {
  id: string;
  title: string;
  description?: string;
  prior: number;
  alert?: { enter: number; exit: number; forMs: number };
}

export interface Indicator {
  id: string;
  title: string;
  description?: string;
  window?: { from: number; to: number; everyMs?: number };
  expectEveryMs?: number;
  halfLifeMs: number;
  cap: number;
}

export interface HtmlSelect {
  item: string;
  title: string;
  link: string;
  date?: string;
  summary?: string;
}

export interface Source {
  id: string;
  title?: string;
  type: 'rss' | 'html' | 'json';
  /** The URL fetched. It may hold secrets from the environment, so only the fetcher reads it: see displayUrl. */
  url: string;
  /**
   * What is shown, stored and logged instead of `url`: each value from the environment as its `${NAME}`, a
   * password or secret-looking query value as `***` (model/redact.ts). Stand-in sources without one show
   * `url` through redactUrl.
   */
  displayUrl?: string;
  /** The values `url` took from the environment, by variable name: redactText hides them in any message. */
  secrets?: Record<string, string>;
  everyMs: number;
  credibility: number;
  lang: string;
  tags: string[];
  select?: HtmlSelect;
}

/** A match expression as written in YAML: a term, a list (any of), or an object of parts that must all hold. */
export type MatchExpr = string | MatchExpr[] | MatchNode;

export interface MatchNode {
  all?: MatchExpr[];
  any?: MatchExpr[];
  none?: MatchExpr[];
  /** `within`: words apart, or `sentence`: anywhere in the same sentence. */
  near?: { terms: MatchExpr[]; within: number | 'sentence'; of?: MatchExpr[] };
  fields?: Field[];
}

export interface RuleFilter {
  source?: string[];
  tag?: string[];
  lang?: string[];
}

export interface Rule {
  id: string;
  indicator: string;
  title?: string;
  description?: string;
  when?: RuleFilter;
  fields: Field[];
  match: MatchExpr;
  /** Log-likelihood ratio in nats for every scenario of the watchbook (0 where the rule says nothing). */
  evidence: Record<string, number>;
  severity: Severity;
  /** What a match whose term a negator governs does (rules/cues.ts): dropped (the default), counted the other way, or as is. */
  negated?: 'ignore' | 'opposite' | 'count';
  /** What a hedged match does: dropped, counted at half weight (the default), or as is. */
  hedged?: 'ignore' | 'reduce' | 'count';
}

export const NEGATED_ACTIONS = ['ignore', 'opposite', 'count'] as const;
export const HEDGED_ACTIONS = ['ignore', 'reduce', 'count'] as const;

/** Watchbook additions to the built-in negation and hedging cues, per language (rules/cues.ts). */
export type Cues = Partial<Record<'negators' | 'hedges', Record<string, string[]>>>;

/** An item as a rule test or `signpost score` gives it. */
export interface TestItem {
  title: string;
  summary?: string;
  content?: string;
  url?: string;
  source?: string;
  lang?: string;
  tags?: string[];
}

export interface RuleTest {
  name: string;
  /** Where the test was written, `file:line:col`, for failure messages. */
  at: string;
  items: TestItem[];
  match: string[];
  noMatch: string[];
  scenario?: string;
}

/** Alertmanager's matcher operators: equal, not equal, regex full match, regex no match. */
export type MatchOp = '=' | '!=' | '=~' | '!~';

/** One `matchers:` entry of a route, e.g. `severity=~"high|critical"`; a regex `value` is anchored at both ends. */
export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
}

export interface Route {
  receiver?: string;
  match: Record<string, string[]>;
  /** Alertmanager-style matchers, all of which must hold besides `match`. */
  matchers?: LabelMatcher[];
  continue: boolean;
  groupBy?: string[];
  groupWaitMs?: number;
  groupIntervalMs?: number;
  repeatIntervalMs?: number;
  /** Names of time intervals inside which the route sends nothing (not inherited, as in Alertmanager). */
  muteTimeIntervals?: string[];
  /** Names of time intervals outside which the route sends nothing (not inherited). */
  activeTimeIntervals?: string[];
  routes: Route[];
}

/**
 * One entry of a time interval (Alertmanager's `time_intervals`), on the watch's wall clock: every field
 * given must hold, an absent one always does (alerts/time-interval.ts). Ranges are inclusive [first, last];
 * weekdays 0 (Sunday) to 6, months 1 to 12, a negative day of the month counts from its end (-1: the last).
 * Times are minutes of the day, the end exclusive (up to 1440, `24:00`).
 */
export interface TimeIntervalSpec {
  times?: { startMinute: number; endMinute: number }[];
  weekdays?: [number, number][];
  daysOfMonth?: [number, number][];
  months?: [number, number][];
  years?: [number, number][];
}

export interface Receiver {
  id: string;
  email?: { to: string[] };
  slack?: { webhook: string };
  /** A generic webhook: signed JSON (notify/render-webhook.ts) posted to `url`. */
  webhook?: { url: string; secret: string };
  digest?: string;
  /** Send the digest even when it collected nothing (by default an empty digest is skipped). */
  digestWhenEmpty?: boolean;
}

export interface Silence {
  matchers: Record<string, string[]>;
  starts: number;
  ends: number;
  author: string;
  comment: string;
}

/**
 * Alertmanager's inhibit_rules: while an alert matching `sourceMatchers` fires, alerts matching
 * `targetMatchers` with the same values of the `equal` labels are not notified (alerts/inhibit.ts).
 */
export interface InhibitRule {
  sourceMatchers: LabelMatcher[];
  targetMatchers: LabelMatcher[];
  equal: string[];
}

export interface Watchbook {
  /** `publicUrl`: the web role's public base URL (normalized, ends in "/" when it has no path), for links from digests. */
  watch: { id: string; title: string; timezone: string; contact?: string; publicUrl?: string; allowPrivate: boolean };
  scenarios: Scenario[];
  indicators: Indicator[];
  sources: Source[];
  rules: Rule[];
  /** Additions to the built-in negation and hedging cues. */
  cues?: Cues;
  tests: RuleTest[];
  routes: Route;
  receivers: Receiver[];
  silences: Silence[];
  inhibitRules: InhibitRule[];
  /** Named time intervals, for routes' mute_time_intervals and active_time_intervals. */
  timeIntervals: Record<string, TimeIntervalSpec[]>;
}
