// Alerts and what is sent about them. Times are epoch milliseconds.

export type AlertKind = 'match' | 'scenario' | 'indicator' | 'source-health';

/** Why an alert fired, in the terms an analyst checks: every field optional, each kind fills its own. */
export interface AlertExplanation {
  /** The item: headline, link, and when it was published (epoch ms; digests order events by it). */
  title?: string;
  url?: string;
  publishedAt?: number;
  /** The rule, its title, the terms that matched and the words around them. */
  rule?: string;
  ruleTitle?: string;
  terms?: string[];
  /** How a negator or hedge changed the match, e.g. `negated by "fail" (agree*)`. */
  modifier?: string;
  context?: string;
  /** The source and how much it is trusted. */
  source?: string;
  credibility?: number;
  /** The rule's weight per scenario, in nats. */
  weights?: Record<string, number>;
  /** Scenario probabilities before and after this evidence (or this crossing). */
  before?: Record<string, number>;
  after?: Record<string, number>;
  /** For indicator and source-health alerts: the status or failure in words. */
  status?: string;
  reason?: string;
}

export interface Alert {
  /** Stable across retries and reruns: derived from what fired (e.g. evidence id, scenario + crossing time). */
  id: string;
  kind: AlertKind;
  /** kind, indicator, scenario, severity, source, rule: what routing, grouping and silences match on. */
  labels: Record<string, string>;
  startsAt: number;
  /** One line for subjects and previews (plain text; each medium escapes it). */
  summary: string;
  explanation: AlertExplanation;
}

/** One message for one receiver: a group of alerts that share the route's group_by labels. */
export interface Notification {
  receiver: string;
  /** The group's identity: route and group_by label values. */
  groupKey: string;
  groupLabels: Record<string, string>;
  alerts: Alert[];
  /**
   * The alerts new since the group's last message to this receiver (all of them in a first message, none in
   * a repeat); alerts lists them first. Absent: every alert counts as new.
   */
  newIds?: string[];
  /** Stable for the same group and alerts: the send-log key and the email Message-ID come from it. */
  id: string;
}

/**
 * One event of a digest (scoring/events.ts), told once however many reports and rules it has: the events of
 * several indicators that share a report are one entry, so an item matched by several rules appears once.
 */
export interface DigestEvent {
  /** When its first report was published (when it was seen, for an alert that does not say). */
  at: number;
  /** The first report: headline, link, source. */
  title: string;
  url?: string;
  source: string;
  /** The words around the match when the alert kept them; else the headline is the snippet. */
  snippet?: string;
  /** The terms that matched, over every report and rule. */
  terms: string[];
  /** Every source that reported it, the first report's first. */
  sources: string[];
  /** The rules that matched it, the strongest first, and the indicators they bear on. */
  rules: string[];
  indicators: string[];
  /** The strongest rule's weights on the first report, in nats. */
  weights: Record<string, number>;
  /** The other reports, in the order they came. */
  also?: { title: string; url?: string; source: string }[];
}

/** A digest: what a receiver's schedule collected since its last one. */
export interface Digest {
  receiver: string;
  watchTitle: string;
  from: number;
  to: number;
  scenarios: {
    id: string;
    title: string;
    probability: number;
    change: number;
    /** The scenario's states over the trend's span (DIGEST_TREND_MS), oldest first, for its picture. */
    trend?: { at: number; probability: number }[];
    enter?: number;
    exit?: number;
  }[];
  /** Start of the trend pictures' span. */
  trendFrom?: number;
  /** The events, in the order their first reports came. */
  events: DigestEvent[];
  /** The web role's overview (watch.public_url), when the watchbook gives it. */
  overviewUrl?: string;
  indicators: {
    id: string;
    title: string;
    status: string;
    /** One entry per event (scoring/events.ts): its first report, and the others that told of it. */
    evidence: {
      title: string;
      url?: string;
      source: string;
      rule: string;
      terms: string[];
      weights: Record<string, number>;
      also?: { title: string; url?: string; source: string }[];
    }[];
  }[];
  /** Source health in one line, e.g. "28 of 30 sources fine; failing: kiis-reports (timeout), ...". */
  sources: string;
  /** Rules the analysts' judgements flag (precision under the bar over enough judgements), worst first. */
  flaggedRules?: { rule: string; precision: number; judged: number }[];
  id: string;
}
