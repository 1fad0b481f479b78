// Events, not copies. Near-duplicate clustering (cluster.ts) joins syndicated copies of one article; the same
// withdrawal reported by three outlets in their own words, or in English and Ukrainian, has three
// fingerprints. An event is the reports of one indicator that lean the same way and were first published
// within EVENT_WINDOW of the event's first report: one piece of evidence, its sources corroborating it.
//
//   story  = the evidence of one near-duplicate cluster on one indicator (its copies)
//   lean   = the scenario the story's strongest weights favour ('' when none stands out: no weight)
//   event  = stories of one (indicator, lean), each first published within EVENT_WINDOW of the first one
//
// The window is anchored at the event's first report, not chained from report to report, so a steady run
// of news on one indicator becomes several events rather than one that never ends. Two separate events
// of one indicator, the same way, within two days count once: the picture moves less, never twice.

import type { Evidence } from '../model/evidence.js';

export const EVENT_WINDOW_MS = 2 * 24 * 3600 * 1000;

/** The evidence of each event, earliest event first; each event's evidence in the order given. */
export function groupEvents(evidence: readonly Evidence[], scenarios: readonly string[]): Evidence[][] {
  const stories = new Map<string, Evidence[]>();
  for (const e of evidence) {
    const key = `${e.cluster}\u0000${e.indicator}`;
    const story = stories.get(key);
    if (story) story.push(e);
    else stories.set(key, [e]);
  }
  const lines = new Map<string, { first: number; cluster: string; evidence: Evidence[] }[]>();
  for (const story of stories.values()) {
    const line = `${story[0]!.indicator}\u0000${leanOf(story, scenarios)}`;
    const entry = { first: Math.min(...story.map((e) => e.publishedAt)), cluster: story[0]!.cluster, evidence: story };
    const list = lines.get(line);
    if (list) list.push(entry);
    else lines.set(line, [entry]);
  }
  const events: { first: number; evidence: Evidence[] }[] = [];
  for (const list of lines.values()) {
    list.sort((a, b) => a.first - b.first || compare(a.cluster, b.cluster));
    let open: { first: number; evidence: Evidence[] } | undefined;
    for (const story of list) {
      if (open && story.first - open.first <= EVENT_WINDOW_MS) open.evidence.push(...story.evidence);
      else events.push((open = { first: story.first, evidence: [...story.evidence] }));
    }
  }
  return events
    .sort((a, b) => a.first - b.first || compare(a.evidence[0]!.id, b.evidence[0]!.id))
    .map((e) => e.evidence);
}

/** The scenario a story's strongest weights favour (the largest, alone), '' when none stands out. */
export function leanOf(story: readonly Evidence[], scenarios: readonly string[]): string {
  const weights = scenarios.map((k) => {
    let w = 0;
    for (const e of story) {
      const x = e.scenarios[k] ?? 0;
      if (Number.isFinite(x) && Math.abs(x) > Math.abs(w)) w = x;
    }
    return w;
  });
  const top = Math.max(...weights);
  const leaders = scenarios.filter((_, i) => weights[i] === top);
  return leaders.length === 1 ? leaders[0]! : '';
}

/** An event's reports: one record per item (its first), earliest first. */
export function reportsOf(event: readonly Evidence[]): Evidence[] {
  const byItem = new Map<string, Evidence>();
  for (const e of [...event].sort((a, b) => a.publishedAt - b.publishedAt || compare(a.id, b.id)))
    if (!byItem.has(e.itemKey)) byItem.set(e.itemKey, e);
  return [...byItem.values()];
}

/** The record of an event (or of its first report) with the largest weight in either direction. */
export function strongestOf(records: readonly Evidence[]): Evidence {
  const strength = (e: Evidence) => Math.max(0, ...Object.values(e.scenarios).map(Math.abs));
  return records.reduce((a, b) => (strength(b) > strength(a) ? b : a));
}

// Code-unit order, the same on every machine (localeCompare is not).
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
