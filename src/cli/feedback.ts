// `signpost feedback export`: the analysts' judgements as `signpost eval` input.
import type { Judgement } from '../model/feedback.js';
import { FeedbackStore } from '../store/index.js';
import { leanOf } from '../web/events.js';
import { withStore } from './with-store.js';

/**
 * `signpost feedback export [--since DATE]`: the analysts' judgements (needs Redis) as `signpost eval` input,
 * one JSON line per item judged, so feedback becomes the evaluation set. Per item and indicator the latest
 * judgement counts: useful, wrong direction and "should have matched" say the item bears on the indicator
 * (leaning the way the rule weighed it, the other way, or the way the analyst said); noise says it does
 * not. Directions that disagree across indicators make the item `neutral`; no indicator left makes it `none`.
 */
export async function runFeedback(positionals: string[], since: string | undefined): Promise<number> {
  const [verb, ...rest] = positionals;
  if (verb !== 'export' || rest.length > 0) {
    console.error(
      `signpost feedback: expected "export", got ${JSON.stringify(positionals.join(' '))}\n\nUsage: signpost feedback export [--since DATE]`,
    );
    return 2;
  }
  let from = -Infinity;
  if (since !== undefined) {
    from = Date.parse(since);
    if (!/^\d{4}-\d\d-\d\d/.test(since) || Number.isNaN(from)) {
      console.error(
        `signpost feedback export: --since must be a date (2026-03-01) or an ISO time (2026-03-01T09:00:00Z), got ${JSON.stringify(since)}`,
      );
      return 2;
    }
  }
  return withStore(async (_store, redis) => {
    const feedback = new FeedbackStore(redis, {
      ...(process.env.SIGNPOST_PREFIX && { prefix: process.env.SIGNPOST_PREFIX }),
    });
    for (const line of evalLines(await feedback.judgements(from))) console.log(JSON.stringify(line));
    return 0;
  });
}

/** The direction one judgement gives its indicator, or undefined when it says the item does not bear on it. */
function directionOf(j: Judgement): string | undefined {
  if (j.verdict === 'noise') return undefined;
  if (j.verdict === 'should-match') return j.direction ?? 'neutral';
  const weights = j.scenarios ?? {};
  if (j.verdict === 'useful') return leanOf(weights) ?? 'neutral';
  // Wrong direction: the scenario the rule weighed least (with two scenarios, the other one).
  const lean = leanOf(weights);
  if (lean === undefined) return 'neutral';
  return leanOf(Object.fromEntries(Object.entries(weights).map(([s, w]) => [s, -w]))) ?? 'neutral';
}

/** One `signpost eval` input line per item judged, in the order of each item's first judgement. */
export function evalLines(judgements: readonly Judgement[]): Record<string, unknown>[] {
  const byItem = new Map<string, Judgement[]>();
  for (const j of judgements) byItem.set(j.item.key, [...(byItem.get(j.item.key) ?? []), j]);
  return [...byItem.values()].map((js) => {
    const latest = new Map<string, Judgement>();
    for (const j of [...js].sort((a, b) => a.at - b.at)) latest.set(j.indicator, j);
    const leaning = [...latest.values()].flatMap((j) => {
      const d = directionOf(j);
      return d === undefined ? [] : [[j.indicator, d] as const];
    });
    const directions = new Set(leaning.map(([, d]) => d));
    const direction = leaning.length === 0 ? 'none' : directions.size === 1 ? [...directions][0]! : 'neutral';
    const item = js[js.length - 1]!.item;
    return {
      id: item.key,
      title: item.title,
      ...(item.summary && { summary: item.summary }),
      ...(item.url && { url: item.url }),
      source: item.source,
      ...(item.lang && { lang: item.lang }),
      publishedAt: new Date(item.publishedAt).toISOString(),
      expect: { indicators: leaning.map(([i]) => i).sort(), direction },
      judged: js.map((j) => ({
        user: j.user,
        verdict: j.verdict,
        indicator: j.indicator,
        at: new Date(j.at).toISOString(),
      })),
    };
  });
}
