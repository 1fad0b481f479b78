// The two factors one story's weight is multiplied by (DESIGN.md, "Scoring"; research 3.6, model B).

/**
 * Decay of evidence with age: 2^(−age / half-life), 1 when new, 0.5 after one half-life (the `exp` decay
 * of Elasticsearch with decay 0.5 and scale = half-life). A negative age counts as 0: evidence never
 * weighs more than when it was new. A half-life of 0 keeps only evidence of age 0.
 */
export function decay(ageMs: number, halfLifeMs: number): number {
  const age = Math.max(0, ageMs);
  if (age === 0) return 1;
  if (!(halfLifeMs > 0)) return 0;
  return 2 ** (-age / halfLifeMs);
}

/** A credibility as a probability: clamped to [0, 1], and 0 when it is not a number. */
export function credibilityOf(r: number): number {
  return Number.isFinite(r) ? Math.min(1, Math.max(0, r)) : 0;
}

/**
 * Corroboration of a story by independent sources, noisy-OR: q = 1 − Π(1 − r_s), one credibility per
 * distinct source (the caller counts each source once). It saturates toward 1 instead of adding up: two
 * sources of 0.9 give 0.99, never more than 1; no source gives 0.
 */
export function corroboration(credibilities: Iterable<number>): number {
  let doubt = 1;
  for (const r of credibilities) doubt *= 1 - credibilityOf(r);
  return 1 - doubt;
}
