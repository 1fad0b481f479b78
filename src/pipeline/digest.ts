import { createHash } from 'node:crypto';
import type { Alert, Digest } from '../model/alert.js';
import type { Watchbook } from '../model/watchbook.js';
import type { Store } from '../store/index.js';

// A digest: what a receiver's schedule collected since its last one, as an analyst reads it. The scenario
// picture with its change since the last digest, a section per indicator with its status and the
// evidence that moved it, and source health in one line. It is built from what the digest collected
// itself (alerts keep their explanation), so it does not depend on how long evidence is kept.

export async function buildDigest(receiver: string, alerts: readonly Alert[], watchbook: Watchbook, store: Store, now: number): Promise<Digest> {
  const [state, mark, statuses, health] = await Promise.all([
    store.latestScenarioState(),
    store.getDigestMark(receiver),
    store.indicatorStatuses(),
    store.allHealth(),
  ]);
  const probabilities = state?.probabilities ?? Object.fromEntries(watchbook.scenarios.map((s) => [s.id, s.prior]));
  const previous = mark?.probabilities ?? Object.fromEntries(watchbook.scenarios.map((s) => [s.id, s.prior]));
  const matches = alerts.filter((a) => a.kind === 'match');
  const indicators = watchbook.indicators
    .map((indicator) => ({
      id: indicator.id,
      title: indicator.title,
      status: statuses[indicator.id]?.status ?? 'quiet',
      evidence: matches
        .filter((a) => a.labels.indicator === indicator.id)
        .map((a) => ({
          title: a.explanation.title ?? a.summary,
          ...(a.explanation.url !== undefined && { url: a.explanation.url }),
          source: a.explanation.source ?? a.labels.source ?? '',
          rule: a.explanation.rule ?? a.labels.rule ?? '',
          terms: a.explanation.terms ?? [],
          weights: a.explanation.weights ?? {},
        })),
    }))
    .filter((i) => i.evidence.length > 0 || i.status !== 'quiet');
  const failing = health.filter((h) => h.consecutiveFailures > 0);
  const sources =
    `${watchbook.sources.length - failing.length} of ${watchbook.sources.length} sources fine` +
    (failing.length ? `; failing: ${failing.map((h) => `${h.source} (${h.lastError?.reason ?? 'error'})`).join(', ')}` : '');
  const from = mark?.at ?? Math.min(now, ...alerts.map((a) => a.startsAt));
  return {
    receiver,
    watchTitle: watchbook.watch.title,
    from,
    to: now,
    scenarios: watchbook.scenarios.map((s) => ({
      id: s.id,
      title: s.title,
      probability: probabilities[s.id] ?? 0,
      change: (probabilities[s.id] ?? 0) - (previous[s.id] ?? 0),
    })),
    indicators,
    sources,
    id: createHash('sha256').update(`${receiver}\n${from}\n${now}\n${alerts.map((a) => a.id).join('\n')}`).digest('base64url').slice(0, 24),
  };
}
