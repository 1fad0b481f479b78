// The picture a process holds between its steps on a store: the evidence ledger and the cluster index the
// last step left, brought up to date from the store's picture log (what other steps and processes added
// since) instead of read again in full. A step's reads then cost what changed, not what the scored span
// and the last week of fingerprints hold, however long the watch has run.
//
//   first step:  cursor <- log end; evidence and fingerprints read in full; held
//   next steps:  log since cursor -> others' entries applied (own skipped) -> step -> own entry appended
//   any doubt:   cursor gone from the log, another watchbook, a step that failed -> read in full again
//
// Probabilities, statuses and alert states are small and read every time. Steps on one holder run one at a
// time (the score job and the hourly rescore share a process), since a step advances the held picture.
import type { Evidence } from '../model/evidence.js';
import type { Watchbook } from '../model/watchbook.js';
import type { Store } from '../store/index.js';
import {
  CLUSTER_CANDIDATES,
  CLUSTER_LOOKBACK_MS,
  type Picture,
  pictureOf,
  scoredSpanMs,
  type StepResult,
} from './step.js';

interface Held {
  /** The picture's ledger and clusters, as the last step left them. */
  picture: Picture;
  /** Where the next read of the picture log starts. */
  cursor: string;
  /** Log entries this holder appended, skipped when read back (the step holds them already). */
  own: Set<string>;
  /** Evidence not in the ledger yet: from the log, or published after now (scoring takes it when due). */
  pending: Evidence[];
}

export class PictureHolder {
  private held: Held | undefined;
  private turn: Promise<unknown> = Promise.resolve();

  /** Runs `fn` when the steps before it on this holder are done. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.turn.then(fn, fn);
    this.turn = run.catch(() => undefined);
    return run;
  }

  /** The picture at `now`: held and caught up when it can be, else read in full. */
  async read(watchbook: Watchbook, store: Store, now: number): Promise<Picture> {
    const [state, statuses, alertStates, held] = await Promise.all([
      store.latestScenarioState(),
      store.indicatorStatuses(),
      Promise.all(watchbook.scenarios.map((s) => store.getScenarioAlert(s.id))),
      this.catchUp(watchbook, store).then((h) => h ?? this.readAll(watchbook, store, now)),
    ]);
    this.held = held;
    const since = now - scoredSpanMs(watchbook.indicators);
    const due = held.pending.filter((e) => e.publishedAt <= now);
    held.pending = held.pending.filter((e) => e.publishedAt > now);
    for (const e of due) if (e.publishedAt >= since) held.picture.ledger.add(e);
    return {
      ...held.picture,
      ...(state && { probabilities: state.probabilities }),
      statuses,
      scenarioAlerts: Object.fromEntries(
        watchbook.scenarios.flatMap((s, n) => (alertStates[n] ? [[s.id, alertStates[n]]] : [])),
      ),
    };
  }

  /** After a step on the picture read() gave: its own log entry, and its evidence dated ahead of it. */
  stepped(result: StepResult, entry: string | undefined, now: number): void {
    if (!this.held) return;
    if (entry) this.held.own.add(entry);
    this.held.pending.push(...result.evidence.filter((e) => e.publishedAt > now));
  }

  /** Forget the held picture: the next read is in full (after a step that failed part way). */
  drop(): void {
    this.held = undefined;
  }

  /** The held picture with the log's new entries applied, or undefined when it must be read in full. */
  private async catchUp(watchbook: Watchbook, store: Store): Promise<Held | undefined> {
    const held = this.held;
    const { ledger } = held?.picture ?? {};
    if (
      !held ||
      !ledger ||
      ledger.watchbook.indicators !== watchbook.indicators ||
      ledger.watchbook.scenarios !== watchbook.scenarios
    )
      return undefined;
    const read = await store.pictureLog.since(held.cursor);
    if (!read.continuous) return undefined;
    for (const entry of read.entries) {
      if (held.own.delete(entry.id)) continue;
      held.pending.push(...entry.evidence);
      for (const f of entry.fingerprints) held.picture.clusters.remember(f);
    }
    held.cursor = read.cursor;
    return held;
  }

  private async readAll(watchbook: Watchbook, store: Store, now: number): Promise<Held> {
    // The cursor first: what is written while the rest is read comes again from the log, and is held once.
    const cursor = await store.pictureLog.cursor();
    const [evidence, fingerprints] = await Promise.all([
      store.listEvidence(now - scoredSpanMs(watchbook.indicators)),
      store.recentFingerprints(now - CLUSTER_LOOKBACK_MS, CLUSTER_CANDIDATES),
    ]);
    const picture = pictureOf(watchbook, {
      statuses: {},
      scenarioAlerts: {},
      evidence: evidence.filter((e) => e.publishedAt <= now),
      fingerprints,
    });
    return { picture, cursor, own: new Set(), pending: evidence.filter((e) => e.publishedAt > now) };
  }
}

const holders = new WeakMap<Store, PictureHolder>();

/** The holder of a store's picture in this process: one per store object, made on first use. */
export function holderOf(store: Store): PictureHolder {
  let holder = holders.get(store);
  if (!holder) holders.set(store, (holder = new PictureHolder()));
  return holder;
}
