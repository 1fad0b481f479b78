// Evidence and the scenario picture scoring makes of it. Times are epoch milliseconds, weights nats.

import type { Modifier } from './item.js';

/**
 * One rule match on one item, as recorded in the evidence log: everything scoring needs, so a score can be
 * recomputed (and a backtest replayed) from the log alone, without the item or the watchbook of the day.
 */
export interface Evidence {
  /** Stable across reruns: `${itemKey}|${rule}`. */
  id: string;
  itemKey: string;
  /** Source id. */
  source: string;
  /** The source's credibility, 0 to 1, when the item was seen. */
  credibility: number;
  rule: string;
  indicator: string;
  /** The rule's log-likelihood ratio per scenario, in nats (the match's `scenarios`). */
  scenarios: Record<string, number>;
  severity: string;
  /** When the item was published (or, for an item without a usable date, fetched). */
  publishedAt: number;
  /** When this worker first saw the item. */
  seenAt: number;
  /** Near-duplicate cluster: the same story from several outlets shares one id (scoring/cluster.ts). */
  cluster: string;
  /** The rule's terms that matched, as written in the rule. */
  terms: string[];
  /** The negator or hedge that changed the match's weights (already applied to `scenarios`). */
  modifier?: Modifier;
  title: string;
  url?: string;
}

/** One story's weight on one indicator, and why: a line of a scenario trail. */
export interface TrailEntry {
  cluster: string;
  indicator: string;
  /** The rule whose weight moved the picture most (the first of `rules` on a tie). */
  rule: string;
  /** Every rule of the indicator that matched the story, sorted. */
  rules: string[];
  /** Title and link of the story's earliest item. */
  title: string;
  url?: string;
  /** Distinct sources that carried the story, sorted. */
  sources: string[];
  /** Matched terms over the story's items, in first-seen order. */
  terms: string[];
  /** How many distinct items of the story matched. */
  items: number;
  /** Earliest publication of the story's items: the age `d` is measured from. */
  publishedAt: number;
  /** Corroboration: noisy-OR over the distinct sources' credibility, 1 − Π(1 − r_s). */
  q: number;
  /** Decay: 2^(−age / half-life). */
  d: number;
  /** Per scenario, the weight taken (the largest in magnitude among `rules`) and the rule it came from. */
  weights: Record<string, { rule: string; nats: number }>;
  /** Per scenario, w · q · d: what the story adds to the indicator's total before the indicator's cap. */
  nats: Record<string, number>;
  /** How far the story moves the picture: max − min of `nats` over scenarios (a uniform shift moves nothing). */
  moves: number;
}

/** The scenario picture at one instant, with every number that made it. */
export interface ScenarioState {
  at: number;
  /** The scenario log-odds are relative to: the watchbook's first scenario. */
  reference: string;
  /** Per scenario, softmax of `logOdds`; sums to 1. */
  probabilities: Record<string, number>;
  /** Per scenario, log(prior / prior_reference) plus the capped contribution of every indicator. */
  logOdds: Record<string, number>;
  /** Per scenario, log(prior / prior_reference): the log-odds with no evidence. */
  priorLogOdds: Record<string, number>;
  /** Per indicator, per scenario: nats added to the log-odds, after the indicator's cap. */
  contributions: Record<string, Record<string, number>>;
  /** Per indicator, per scenario: the same sums before the cap (they differ only where the cap bit). */
  uncapped: Record<string, Record<string, number>>;
  /** The stories that moved the picture most, largest first. */
  trail: TrailEntry[];
  /** Evidence records counted, and those left out (published after `at`, or of an unknown indicator). */
  counted: number;
  ignored: number;
}

/**
 * `quiet`: no evidence within one half-life; `active`: some; `overdue`: an `expect` period passed with
 * none; `in-window`: inside the indicator's time window.
 */
export type IndicatorStatus = 'quiet' | 'active' | 'overdue' | 'in-window';

/** Where a scenario alert stands between evaluations; persisted by the store, advanced by scoring/hysteresis. */
export interface ScenarioAlertState {
  firing: boolean;
  /** When the current state began: when the alert fired, or when it last cleared. Absent before any change. */
  since?: number;
  /** While not firing: since when the probability has held at or above `enter`. */
  pendingSince?: number;
}

/** A near-duplicate fingerprint remembered for clustering later items. */
export interface FingerprintEntry {
  cluster: string;
  fingerprint: string;
  at: number;
}
