// Indicator status (in-window, overdue, active, quiet): where an indicator stands at a given time.
import type { Evidence, IndicatorStatus } from '../model/evidence.js';
import type { Indicator } from '../model/watchbook.js';

/**
 * Where an indicator stands at `now`. The first that holds wins:
 *
 * 1. `in-window`: `now` is inside the indicator's window (from and to included). Inside its window an
 *    indicator is expected to move and is polled faster; that says more than any of the others.
 * 2. `overdue`: it has an `expect` period and more than that has passed since the later of its latest
 *    evidence and `since` (when watching began, e.g. when the watchbook was loaded). Without evidence and
 *    without `since` there is nothing to measure the silence from, so it is not overdue. Evidence older
 *    than `since` (a backfill) does not make an indicator overdue the moment watching begins.
 * 3. `active`: some evidence was published within one half-life before `now`.
 * 4. `quiet`: otherwise.
 *
 * Ages are from publication, as in scoring; evidence published after `now`, and evidence of another
 * indicator, is left out.
 */
export function indicatorStatus(
  indicator: Indicator,
  evidence: readonly Evidence[],
  now: number,
  since?: number,
): IndicatorStatus {
  const w = indicator.window;
  if (w && w.from <= now && now <= w.to) return 'in-window';

  let latest = -Infinity;
  for (const e of evidence) {
    if (e.indicator === indicator.id && e.publishedAt <= now && e.publishedAt > latest) latest = e.publishedAt;
  }
  if (indicator.expectEveryMs !== undefined) {
    const from = Math.max(latest, since ?? -Infinity);
    if (from > -Infinity && now - from > indicator.expectEveryMs) return 'overdue';
  }
  return latest > -Infinity && now - latest <= indicator.halfLifeMs ? 'active' : 'quiet';
}
