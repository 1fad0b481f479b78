import type { Source, Watchbook } from '../src/model/watchbook.js';
import type { Store } from '../src/store/index.js';

/** How often a source is polled now: its own interval, or faster while an indicator is in its window. */
export function intervalFor(source: Source, watchbook: Watchbook, now: number): number {
  let every = source.everyMs;
  for (const { window } of watchbook.indicators) {
    if (window?.everyMs && now >= window.from && now <= window.to) every = Math.min(every, window.everyMs);
  }
  return every;
}

/**
 * Bring the schedule in line with the watchbook: new sources due at once, removed ones dropped, and a
 * source whose interval shrank brought forward to at most one interval from now. Idempotent: every
 * process runs it at start and on reload.
 */
export async function reconcileSchedule(store: Store, watchbook: Watchbook, now: number): Promise<{ added: string[]; removed: string[] }> {
  const scheduled = await store.scheduled();
  const wanted = new Map(watchbook.sources.map((s) => [s.id, s]));
  const added: string[] = [];
  const removed: string[] = [];
  for (const [id, source] of wanted) {
    const at = scheduled[id];
    if (at === undefined) {
      await store.schedule(id, now);
      added.push(id);
    } else if (at > now + intervalFor(source, watchbook, now)) {
      await store.schedule(id, now + intervalFor(source, watchbook, now));
    }
  }
  for (const id of Object.keys(scheduled)) {
    if (!wanted.has(id)) {
      await store.unschedule(id);
      removed.push(id);
    }
  }
  return { added, removed };
}
