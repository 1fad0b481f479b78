// evaluateItems(): the scoring step (step.ts) on a store. The score job runs it on a fetched batch, the
// tick's hourly rescore on none (the picture as time moved it). It reads the picture once (what changed
// since this process's last step: held-picture.ts), runs the step, raises the alerts, then writes what
// they were raised from, logs it, and marks the items seen last:
//
//   read (seen?, picture) -> step -> raise alerts -> write evidence and picture -> log -> mark seen
//
// A job that dies anywhere in between left its items unseen, or its picture unwritten, and its retry raises
// the same alerts again under the same ids (step.ts), which groups and digests hold once. Written the other
// way round, a retry found nothing fresh and no crossing, and the alerts were lost.

import type { Item } from '../model/item.js';
import type { Watchbook } from '../model/watchbook.js';
import type { Matcher } from '../rules/index.js';
import type { Store } from '../store/index.js';
import { raiseAlerts } from './raise.js';
import { holderOf } from './held-picture.js';
import { scoredSpanMs, step, type StepResult } from './step.js';

export { HALF_LIVES_SCORED, scoredSpanMs } from './step.js';

/** A step on the store: the step's result, and what raising its alerts did. */
export type Evaluated = StepResult & Awaited<ReturnType<typeof raiseAlerts>>;

/** New items in (those seen before are skipped); their evidence, the new picture and its alerts out. */
export function evaluateItems(
  items: readonly Item[],
  watchbook: Watchbook,
  matcher: Matcher,
  store: Store,
  now: number,
): Promise<Evaluated> {
  const holder = holderOf(store);
  return holder.exclusive(async () => {
    const [wasSeen, picture] = await Promise.all([
      store.isSeen(
        items.map((i) => i.key),
        now,
      ),
      holder.read(watchbook, store, now),
    ]);
    try {
      const result = step(
        picture,
        items.filter((_, n) => !wasSeen[n]),
        watchbook,
        matcher,
        now,
      );
      const raised = await raiseAlerts(result, watchbook, store, now);
      await Promise.all([
        store.addFingerprints(result.fingerprints),
        store.addEvidence(result.evidence),
        store.appendScenarioState(result.state),
        ...Object.entries(result.statuses).map(([id, status]) => store.setIndicatorStatus(id, status, now)),
        ...Object.entries(result.scenarioAlerts).map(([id, state]) => store.setScenarioAlert(id, state)),
      ]);
      // Logged once what it logs is stored: a reader of the log never holds evidence the store lacks.
      holder.stepped(result, await store.pictureLog.append(result.evidence, result.fingerprints), now);
      await store.markSeen(
        result.fresh.map((i) => i.key),
        now,
      );
      return { ...result, ...raised };
    } catch (err) {
      // The step advanced the held picture; what it stored of it is uncertain now, so read it in full.
      holder.drop();
      throw err;
    }
  });
}

/**
 * Drop the evidence scoring no longer reads: published more than scoredSpanMs before `now`, by the running
 * watchbook's indicators (so a half-life lengthened on reload finds what an earlier prune dropped gone; it
 * weighed under 0.1% then). Returns how many records went. A watchbook without indicators scores nothing,
 * and purges nothing. Item keys stay in the seen-set longer (StoreOptions.seenTtlMs), so a purged item never
 * comes back as new.
 */
export async function pruneEvidence(
  watchbook: Pick<Watchbook, 'indicators'>,
  store: Store,
  now: number,
): Promise<number> {
  if (watchbook.indicators.length === 0) return 0;
  return store.purgeEvidence(now - scoredSpanMs(watchbook.indicators));
}
