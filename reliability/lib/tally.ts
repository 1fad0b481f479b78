// Counting by id: what was expected against what arrived, and bounded waits that end at a deadline.

export interface Tally {
  expected: number;
  /** Distinct expected ids that arrived. */
  processed: number;
  lost: number;
  /** Arrivals beyond the first of one id, plus arrivals of ids nobody expected. */
  duplicated: number;
  /** Ids that arrived but were not expected (counted in `duplicated` only if `strict`). */
  unexpected: number;
  lostIds: string[];
  duplicatedIds: string[];
}

/** Arrivals (one entry per delivery, repeats included) against the expected ids. */
export function tally(expected: Iterable<string>, arrivals: readonly string[]): Tally {
  const want = new Set(expected);
  const seen = new Map<string, number>();
  for (const id of arrivals) seen.set(id, (seen.get(id) ?? 0) + 1);
  const lostIds = [...want].filter((id) => !seen.has(id));
  const duplicatedIds = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  const unexpected = [...seen.keys()].filter((id) => !want.has(id)).length;
  return {
    expected: want.size,
    processed: [...want].filter((id) => seen.has(id)).length,
    lost: lostIds.length,
    duplicated: [...seen.values()].reduce((n, c) => n + c - 1, 0),
    unexpected,
    lostIds,
    duplicatedIds,
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Poll `probe` until it is true or `deadline` (epoch ms) passes; true when it held. */
export async function waitUntil(
  probe: () => boolean | Promise<boolean>,
  deadline: number,
  intervalMs = 200,
): Promise<boolean> {
  for (;;) {
    if (await probe()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(intervalMs, deadline - Date.now()));
  }
}

/** `ms` as seconds with one decimal. */
export const seconds = (ms: number): number => Math.round(Math.max(0, ms) / 100) / 10;

/** A short list for stderr: the first few items and how many more. */
export function sample(ids: readonly string[], n = 5): string {
  if (ids.length === 0) return 'none';
  return ids.slice(0, n).join(', ') + (ids.length > n ? ` (+${ids.length - n} more)` : '');
}
