// Each rule's precision from the analysts' judgements of its matches, and the rules to flag: pure, so the
// overview and the digest say the same thing of the same judgements.
import type { Judgement, RulePrecision } from '../model/feedback.js';

/** A rule is flagged under this precision ... */
export const FLAG_BELOW = 0.6;
/** ... over at least this many judgements (fewer say too little to act on). */
export const FLAG_MIN_JUDGED = 5;

export interface FlagOptions {
  below?: number;
  minJudged?: number;
}

/**
 * Per rule judged, by rule id: useful, noise and wrong-direction counts. A match leaning the wrong way
 * counts against the rule like noise: its weight moves the picture the wrong way, which is worse than
 * not matching. Each analyst's latest judgement of a piece of evidence is the one kept (the store keeps
 * one per analyst and evidence), so a changed mind is not counted twice.
 */
export function rulePrecision(judgements: readonly Judgement[], opts: FlagOptions = {}): RulePrecision[] {
  const below = opts.below ?? FLAG_BELOW;
  const minJudged = opts.minJudged ?? FLAG_MIN_JUDGED;
  const byRule = new Map<string, RulePrecision>();
  for (const j of judgements) {
    if (j.rule === undefined || j.verdict === 'should-match') continue;
    let r = byRule.get(j.rule);
    if (!r) {
      r = { rule: j.rule, useful: 0, noise: 0, wrongDirection: 0, judged: 0, precision: undefined, flagged: false };
      byRule.set(j.rule, r);
    }
    if (j.verdict === 'useful') r.useful++;
    else if (j.verdict === 'noise') r.noise++;
    else r.wrongDirection++;
    r.judged++;
  }
  for (const r of byRule.values()) {
    r.precision = r.useful / r.judged;
    r.flagged = r.judged >= minJudged && r.precision < below;
  }
  return [...byRule.values()].sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}

/** The rules whose precision is under `below` (0.6) over at least `minJudged` (5) judgements, by rule id. */
export function flaggedRules(judgements: readonly Judgement[], opts: FlagOptions = {}): RulePrecision[] {
  return rulePrecision(judgements, opts).filter((r) => r.flagged);
}
