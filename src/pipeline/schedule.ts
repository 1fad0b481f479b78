// Schedule policy: how often a source is polled, when it is next due, and the schedule kept whole in Redis.
import type { Logger } from 'pino';
import type { Source, Watchbook } from '../model/watchbook.js';
import type { Store } from '../store/index.js';

/** How often a source is polled now: its own interval, or faster while an indicator is in its window. */
export function intervalFor(source: Source, watchbook: Watchbook, now: number): number {
  let every = source.everyMs;
  for (const { window } of watchbook.indicators) {
    if (window?.everyMs && now >= window.from && now <= window.to) every = Math.min(every, window.everyMs);
  }
  return every;
}

/**
 * When a source is next due after the check due at `due` was served at `now`: one interval after that due
 * time, not after the fetch ended, so the period stays the interval however late the tick and the fetch
 * ran. A check served more than an interval late skips the missed slots (the next one after `now`, on the
 * same phase) rather than polling in a burst to catch up. Without a due time (a job from before it was
 * carried), one interval from now.
 */
export function nextCheck(due: number | undefined, every: number, now: number): number {
  if (due === undefined || !Number.isFinite(due)) return now + every;
  const next = due + every;
  return next > now ? next : due + every * (Math.floor((now - due) / every) + 1);
}

/**
 * The most a new source waits behind the one before it for its first check. Many sources new at once (a
 * first start, a big edit, a rebuilt schedule) are spread evenly over their interval, at the rate they will
 * keep: 20,000 at 5 minutes come due 15 ms apart instead of all at once (a backlog the ticks took minutes to
 * drain, and a burst of robots.txt requests). A few are polled within a second: twenty hourly ones 20 ms
 * apart, not three minutes.
 */
export const FIRST_CHECK_STEP_MS = 20;

/** When the n-th (0-based) of `count` new sources is first due: spread over its interval, FIRST_CHECK_STEP_MS apart at most. */
export function firstCheck(n: number, count: number, every: number, now: number): number {
  return now + Math.floor(n * Math.min(FIRST_CHECK_STEP_MS, every / count));
}

/** Schedule writes sent together: one round trip each batch instead of one per source. */
const WRITE_BATCH = 1_000;

/**
 * Bring the schedule in line with the watchbook: new sources due over the next moments (firstCheck),
 * removed ones dropped, and a source whose interval shrank brought forward to at most one interval from
 * now. Idempotent: every process runs it at start and on reload.
 */
export async function reconcileSchedule(
  store: Store,
  watchbook: Watchbook,
  now: number,
): Promise<{ added: string[]; removed: string[] }> {
  const scheduled = await store.scheduled();
  const wanted = new Map(watchbook.sources.map((s) => [s.id, s]));
  const added = watchbook.sources.filter((s) => scheduled[s.id] === undefined);
  const writes: (() => Promise<void>)[] = added.map(
    (source, n) => () =>
      store.schedule(source.id, firstCheck(n, added.length, intervalFor(source, watchbook, now), now)),
  );
  for (const [id, source] of wanted) {
    const at = scheduled[id];
    const every = intervalFor(source, watchbook, now);
    if (at !== undefined && at > now + every) writes.push(() => store.schedule(id, now + every));
  }
  const removed = Object.keys(scheduled).filter((id) => !wanted.has(id));
  writes.push(...removed.map((id) => () => store.unschedule(id)));
  for (let at = 0; at < writes.length; at += WRITE_BATCH)
    await Promise.all(writes.slice(at, at + WRITE_BATCH).map((write) => write()));
  return { added: added.map((s) => s.id), removed };
}

/** What checkSchedule found: all well, sources missing from the schedule, or Redis's data lost. */
export type ScheduleCheck = 'ok' | 'resynced' | 'recovered';

/**
 * Each tick, in one cheap call: is the store's sentinel there, and is every source of the running watchbook
 * scheduled? The schedule lives in Redis, and a Redis that lost its data (a restart without persistence, a
 * flush) would leave the workers running and polling nothing. The sentinel gone: the data was lost, and
 * with it the seen-set, so one process (recoverLostData is atomic) marks every source to warm up (its first
 * poll marks its items seen and alerts none: they were alerted before, or are as old as those that were),
 * rebuilds the schedule and says so. Fewer sources scheduled than the watchbook has (a schedule evicted
 * alone, a recovery that died half-way): the schedule is reconciled. A first start, by contrast, alerts
 * what its first polls find (the sentinel is written then, and nothing warms up).
 */
export async function checkSchedule(
  store: Store,
  watchbook: Watchbook,
  now: number,
  log: Logger,
): Promise<ScheduleCheck> {
  const { sentinel, scheduled } = await store.scheduleCheck();
  if (
    !sentinel &&
    (await store.recoverLostData(
      watchbook.sources.map((s) => s.id),
      now,
    ))
  ) {
    const rebuilt = await reconcileSchedule(store, watchbook, now);
    log.warn({ sources: rebuilt.added.length }, 'Redis data lost: schedule rebuilt, first polls warm up');
    return 'recovered';
  }
  if (scheduled >= watchbook.sources.length) return 'ok';
  const changed = await reconcileSchedule(store, watchbook, now);
  if (changed.added.length === 0) return 'ok';
  log.warn(
    { scheduled, sources: watchbook.sources.length, ...changed },
    'Sources missing from the schedule were scheduled again',
  );
  return 'resynced';
}
