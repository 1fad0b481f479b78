// The ledger: the evidence of the scored span kept grouped the way scoreScenarios groups it (events.ts:
// stories, lines, events) and each event's time-free facts weighed once, so that a step adds its evidence
// and drops what aged out instead of regrouping and reweighing the whole span. A step then costs what its
// own evidence touches plus one pass over the events for the decay, however many items came before.
//
//   add / forget evidence -> touched stories -> each moved to its line (indicator, lean), kept sorted by
//   (first, cluster) -> the line re-partitioned from the first event a change can reach, up to the first
//   untouched event after the last change -> score(now): events decayed and summed per indicator
//
// score(now) is scoreScenarios(the ledger's evidence, watchbook, now) to the last bit: the same events, their
// evidence in the same order, summed in the same order (test/scoring/ledger.test.ts checks it on random
// histories). A ledger is mutable: the fold that owns it (pipeline/step.ts) advances it step by step.

import type { Evidence, ScenarioState } from '../model/evidence.js';
import type { Indicator, Watchbook } from '../model/watchbook.js';
import { leanOf } from './events.js';
import { decay } from './factors.js';
import {
  compareKeys,
  type Event,
  insertSorted,
  type Key,
  type Line,
  lowerBound,
  mergeEvents,
  partition,
  type Story,
} from './lines.js';
import {
  byMoves,
  checkedScenarios,
  entryAt,
  eventFacts,
  perIndicator,
  pictureOf,
  type ScoreOptions,
  trailLength,
} from './score.js';

export class EventLedger {
  private readonly scenarios: string[];
  private readonly indicators: Map<string, Indicator>;
  /** Every record held, oldest first; records before `head` are gone. */
  private list: Evidence[] = [];
  private head = 0;
  private readonly byId = new Map<string, Evidence>();
  private ignored = 0;
  private readonly stories = new Map<string, Story>();
  /** Per indicator, its lines by lean. */
  private readonly lines = new Map<string, Map<string, Line>>();
  private readonly latest = new Map<string, { count: number; latest: Evidence | undefined }>();
  /** Per indicator, its lines' events in scoring's order; dropped when one of its lines is partitioned. */
  private readonly merged = new Map<string, Event[]>();
  private readonly touched = new Set<Story>();
  private readonly dirtyLines = new Set<Line>();

  /**
   * `order` sorts records as the store lists them (publication, then id), which fixes the order of each
   * story's records and so the order in which an event's sources are multiplied for q.
   */
  constructor(
    readonly watchbook: Pick<Watchbook, 'scenarios' | 'indicators'>,
    private readonly order: (a: Evidence, b: Evidence) => number,
  ) {
    this.scenarios = checkedScenarios(watchbook);
    this.indicators = new Map(watchbook.indicators.map((i) => [i.id, i]));
    for (const i of watchbook.indicators) {
      this.lines.set(i.id, new Map());
      this.latest.set(i.id, { count: 0, latest: undefined });
    }
  }

  /** How many records the ledger holds. */
  get size(): number {
    return this.byId.size;
  }

  /** The records held, oldest first. */
  evidence(): Evidence[] {
    return this.list.slice(this.head);
  }

  /** The latest record of an indicator, if any is held. */
  latestOf(indicator: string): Evidence | undefined {
    return this.latest.get(indicator)?.latest;
  }

  /** Hold a record; false when one with its id is held already (the first is kept, as in scoring). */
  add(e: Evidence): boolean {
    if (this.byId.has(e.id)) return false;
    this.byId.set(e.id, e);
    insertSorted(this.list, e, this.order, this.head);
    const indicator = this.indicators.get(e.indicator);
    if (!indicator) {
      this.ignored++;
      return true;
    }
    const seen = this.latest.get(indicator.id)!;
    seen.count++;
    if (!seen.latest || e.publishedAt > seen.latest.publishedAt) seen.latest = e;
    const key = `${e.cluster}\u0000${e.indicator}`;
    let story = this.stories.get(key);
    if (!story)
      this.stories.set(
        key,
        (story = { cluster: e.cluster, indicator, evidence: [], first: e.publishedAt, line: undefined }),
      );
    insertSorted(story.evidence, e, this.order, 0);
    this.touched.add(story);
    return true;
  }

  /** Drop the records published before `since`; how many went. */
  forgetBefore(since: number): number {
    const start = this.head;
    while (this.head < this.list.length && this.list[this.head]!.publishedAt < since)
      this.drop(this.list[this.head++]!);
    const dropped = this.head - start;
    // Dropped records are cut off once they are half the list, so the list costs O(1) a record.
    if (this.head > 64 && this.head * 2 > this.list.length) {
      this.list = this.list.slice(this.head);
      this.head = 0;
    }
    return dropped;
  }

  /** The scenario picture at `now`: scoreScenarios on the records held, which must not be after `now`. */
  score(now: number, options: ScoreOptions = {}): ScenarioState {
    const newest = this.list.at(-1);
    if (this.list.length > this.head && newest!.publishedAt > now) {
      throw new RangeError(
        `scoring: the ledger holds evidence published at ${newest!.publishedAt}, after ${now}: a ledger only moves forward in time`,
      );
    }
    this.settle();
    const { scenarios } = this;
    const uncapped = perIndicator(this.watchbook.indicators, scenarios);
    const n = trailLength(options);
    const top: {
      moves: number;
      publishedAt: number;
      cluster: string;
      indicator: string;
      event: Event;
      of: Indicator;
    }[] = [];
    const sums = new Float64Array(scenarios.length);
    for (const indicator of this.watchbook.indicators) {
      sums.fill(0);
      for (const event of this.eventsOf(indicator.id)) {
        // w · q · d as scoreScenarios multiplies it, (w · q) · d, with w · q taken once per event.
        const { wq } = event;
        const d = decay(now - event.first, indicator.halfLifeMs);
        let max = -Infinity;
        let min = Infinity;
        for (let k = 0; k < wq.length; k++) {
          const nats = wq[k]! * d;
          sums[k] = sums[k]! + nats;
          max = Math.max(max, nats);
          min = Math.min(min, nats);
        }
        const moves = max - min;
        // Most events move less than the trail's last: they are passed over without making a candidate.
        if (n === 0 || (top.length === n && moves < top[n - 1]!.moves)) continue;
        const candidate = {
          moves,
          publishedAt: event.first,
          cluster: event.facts.cluster,
          indicator: indicator.id,
          event,
          of: indicator,
        };
        if (top.length === n && byMoves(candidate, top[n - 1]!) >= 0) continue;
        let at = top.length;
        while (at > 0 && byMoves(candidate, top[at - 1]!) < 0) at--;
        top.splice(at, 0, candidate);
        if (top.length > n) top.pop();
      }
      scenarios.forEach((k, i) => (uncapped[indicator.id]![k] = sums[i]!));
    }
    const trail = top.map((c) => entryAt(c.event.facts, c.of, scenarios, now));
    return pictureOf(
      this.watchbook,
      uncapped,
      trail,
      { counted: this.byId.size - this.ignored, ignored: this.ignored },
      now,
    );
  }

  private eventsOf(indicator: string): Event[] {
    let events = this.merged.get(indicator);
    if (!events) this.merged.set(indicator, (events = mergeEvents([...this.lines.get(indicator)!.values()])));
    return events;
  }

  private drop(e: Evidence): void {
    this.byId.delete(e.id);
    const indicator = this.indicators.get(e.indicator);
    if (!indicator) {
      this.ignored--;
      return;
    }
    const seen = this.latest.get(indicator.id)!;
    seen.count--;
    if (seen.count === 0) seen.latest = undefined;
    else if (seen.latest === e)
      seen.latest = this.list
        .slice(this.head)
        .reduce<Evidence | undefined>(
          (a, x) => (x !== e && x.indicator === e.indicator && (!a || x.publishedAt > a.publishedAt) ? x : a),
          undefined,
        );
    const story = this.stories.get(`${e.cluster}\u0000${e.indicator}`)!;
    story.evidence.splice(story.evidence.indexOf(e), 1);
    this.touched.add(story);
  }

  /** Each touched story to its place, then the lines they touched re-partitioned. */
  private settle(): void {
    for (const story of this.touched) this.place(story);
    this.touched.clear();
    for (const line of this.dirtyLines) partition(line, (stories) => this.event(stories));
    this.dirtyLines.clear();
  }

  private place(story: Story): void {
    const from = story.line;
    if (story.evidence.length === 0) {
      this.stories.delete(`${story.cluster}\u0000${story.indicator.id}`);
      if (from) this.unplace(story, from);
      return;
    }
    const first = story.evidence[0]!.publishedAt;
    const to = this.lineOf(story.indicator.id, leanOf(story.evidence, this.scenarios));
    if (from === to && first === story.first) return this.mark(to, story);
    if (from) this.unplace(story, from);
    story.first = first;
    story.line = to;
    to.stories.splice(lowerBound(to.stories, story), 0, story);
    this.mark(to, story);
  }

  private unplace(story: Story, line: Line): void {
    line.stories.splice(lowerBound(line.stories, story), 1);
    story.line = undefined;
    this.mark(line, story);
  }

  private mark(line: Line, key: Key): void {
    this.merged.delete(line.indicator);
    const k = { first: key.first, cluster: key.cluster };
    if (!line.dirty) line.dirty = { lo: k, hi: k };
    else if (compareKeys(k, line.dirty.lo) < 0) line.dirty.lo = k;
    else if (compareKeys(k, line.dirty.hi) > 0) line.dirty.hi = k;
    this.dirtyLines.add(line);
  }

  private lineOf(indicator: string, lean: string): Line {
    const lines = this.lines.get(indicator)!;
    let line = lines.get(lean);
    if (!line) lines.set(lean, (line = { indicator, stories: [], events: [], dirty: undefined }));
    return line;
  }

  private event(stories: Story[]): Event {
    const anchor = stories[0]!;
    const evidence = stories.length === 1 ? anchor.evidence : stories.flatMap((s) => s.evidence);
    const facts = eventFacts(evidence, anchor.indicator, this.scenarios);
    const wq = Float64Array.from(this.scenarios, (k) => facts.weights[k]!.nats * facts.q);
    return { stories, first: anchor.first, cluster: anchor.cluster, firstId: anchor.evidence[0]!.id, facts, wq };
  }
}
