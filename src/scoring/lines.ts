// The ledger's lines (ledger.ts): the stories of one indicator leaning one way, sorted by (first publication,
// cluster) as events.ts sorts them, and their partition into events, redone only where a change reaches.

import type { Evidence } from '../model/evidence.js';
import type { Indicator } from '../model/watchbook.js';
import { EVENT_WINDOW_MS } from './events.js';
import type { EventFacts } from './score.js';

export interface Story {
  cluster: string;
  indicator: Indicator;
  /** Sorted by the ledger's order (publication, then id). */
  evidence: Evidence[];
  /** Where the story sits in its line: its earliest publication when it was last placed. */
  first: number;
  line: Line | undefined;
}

export interface Event {
  stories: Story[];
  /** The key of its first story when the event was made (its anchor in the line's greedy partition). */
  first: number;
  cluster: string;
  /** The id of its first record: the event order's tie-break (events.ts). */
  firstId: string;
  facts: EventFacts;
  /** Per scenario (in the watchbook's order), the weight taken times q. */
  wq: Float64Array;
}

export interface Line {
  indicator: string;
  stories: Story[];
  events: Event[];
  /** The smallest and largest story keys a change touched since the line was last partitioned. */
  dirty: { lo: Key; hi: Key } | undefined;
}

export interface Key {
  first: number;
  cluster: string;
}

/**
 * events.ts's greedy partition (an event takes the stories first published within EVENT_WINDOW_MS of
 * its first), redone only where a change can reach: events wholly before the first change keep their
 * stories, and from the first event after the last change that starts on the same story, so do the rest.
 */
export function partition(line: Line, makeEvent: (stories: Story[]) => Event): void {
  const { lo, hi } = line.dirty!;
  line.dirty = undefined;
  const old = line.events;
  let j = old.length - 1;
  while (j >= 0 && compareKeys(old[j]!, lo) > 0) j--;
  const events = j < 0 ? [] : old.slice(0, j);
  const { stories } = line;
  let i = j < 0 ? 0 : lowerBound(stories, old[j]!);
  let k = Math.max(j + 1, 0);
  while (i < stories.length) {
    const anchor = stories[i]!;
    if (compareKeys(anchor, hi) > 0) {
      while (k < old.length && compareKeys(old[k]!, anchor) < 0) k++;
      if (k < old.length && old[k]!.stories[0] === anchor && compareKeys(old[k]!, anchor) === 0) {
        for (; k < old.length; k++) events.push(old[k]!);
        break;
      }
    }
    const members: Story[] = [];
    while (i < stories.length && stories[i]!.first - anchor.first <= EVENT_WINDOW_MS) members.push(stories[i++]!);
    events.push(makeEvent(members));
  }
  line.events = events;
}

/** One indicator's events from all its lines, in scoring's order: earliest first, then by first record id. */
export function mergeEvents(lines: Line[]): Event[] {
  if (lines.length === 1) return lines[0]!.events;
  const out: Event[] = [];
  const at = lines.map(() => 0);
  for (;;) {
    let best = -1;
    let b: Event | undefined;
    for (let l = 0; l < lines.length; l++) {
      const e = lines[l]!.events[at[l]!];
      if (e && (!b || e.first < b.first || (e.first === b.first && e.firstId < b.firstId))) {
        best = l;
        b = e;
      }
    }
    if (!b) return out;
    out.push(b);
    at[best] = at[best]! + 1;
  }
}

/** Stories in a line, and event anchors, by (first publication, cluster id) as events.ts sorts them. */
export function compareKeys(a: Key, b: Key): number {
  return a.first - b.first || (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0);
}

/** Where `key` sits in `list` sorted by compareKeys: the first index not before it. */
export function lowerBound(list: readonly Key[], key: Key): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareKeys(list[mid]!, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Insert into a list sorted by `order` from index `from` on; the common case, a newest record, appends. */
export function insertSorted<T>(list: T[], x: T, order: (a: T, b: T) => number, from: number): void {
  if (list.length === from || order(list[list.length - 1]!, x) <= 0) {
    list.push(x);
    return;
  }
  let lo = from;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (order(list[mid]!, x) <= 0) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, x);
}
