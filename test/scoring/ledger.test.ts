import { describe, expect, it } from 'vitest';
import type { Evidence } from '../../src/model/evidence.js';
import type { Watchbook } from '../../src/model/watchbook.js';
import { EventLedger, scoreScenarios } from '../../src/scoring/index.js';
import { compareCodePoints } from '../../src/store/index.js';
import { book, DAY, ev, HOUR, nato, NOW, polling } from './build.js';

// The ledger keeps the scored span's evidence grouped across steps; scoring it must give exactly what
// scoreScenarios gives on the same evidence, every number to the last bit, after any history of additions
// (in order or not) and of records ageing out of the span.

const byTime = (a: Evidence, b: Evidence) => a.publishedAt - b.publishedAt || compareCodePoints(a.id, b.id);
const three: Pick<Watchbook, 'scenarios' | 'indicators'> = {
  scenarios: [...book.scenarios, { id: 'stall', title: 'Stall', prior: 0.2 }],
  indicators: book.indicators,
};

/** mulberry32, so a failing history can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random history: steps an hour or so apart, each adding a few records of a few clusters and two
 * indicators (and one the watchbook does not know), published up to three days before the step, leaning
 * either way or neither; records before `now - span` age out. After every step the ledger's score is
 * compared with scoreScenarios on the records a plain list holds.
 */
function replayHistory(
  seed: number,
  watchbook: Pick<Watchbook, 'scenarios' | 'indicators'>,
  spanMs: number,
  steps: number,
): number {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const ledger = new EventLedger(watchbook, byTime);
  let held: Evidence[] = [];
  let now = NOW;
  let compared = 0;
  const weights = [-1, -0.5, 0, 0.2, 0.5, 1];
  for (let s = 0; s < steps; s++) {
    now += Math.floor(r() * 6 * HOUR);
    ledger.forgetBefore(now - spanMs);
    held = held.filter((e) => e.publishedAt >= now - spanMs);
    const n = Math.floor(r() * 4);
    for (let i = 0; i < n; i++) {
      const publishedAt = Math.max(now - spanMs, now - Math.floor(r() * 3 * DAY));
      const itemKey = `item-${seed}-${s}-${i}`;
      const e = ev({
        itemKey,
        id: `${itemKey}|${pick(['rule-a', 'rule-b'])}`,
        rule: pick(['rule-a', 'rule-b']),
        indicator: pick([polling.id, polling.id, nato.id, 'retired-indicator']),
        cluster: `c${Math.floor(r() * 12)}`,
        source: pick(['a', 'b', 'c', 'd']),
        credibility: pick([0.3, 0.6, 0.9]),
        scenarios: Object.fromEntries(watchbook.scenarios.map((x) => [x.id, pick(weights)])),
        publishedAt,
        seenAt: now,
        terms: [pick(['poll', 'survey', 'KIIS'])],
        title: `Story ${itemKey}`,
      });
      // A retried step brings a record again: the first is kept.
      const again = r() < 0.1 && held.length ? { ...held[held.length - 1]!, title: 'again' } : undefined;
      for (const x of again ? [e, again] : [e]) {
        if (ledger.add(x)) held.push(x);
      }
    }
    expect(ledger.score(now)).toEqual(scoreScenarios([...held].sort(byTime), watchbook, now));
    compared++;
  }
  expect(ledger.evidence()).toEqual([...held].sort(byTime));
  return compared;
}

describe('EventLedger', () => {
  const cases = [
    { name: 'two scenarios, nothing ages out', watchbook: book, span: 1000 * DAY, steps: 160 },
    { name: 'three scenarios (ties between leans), nothing ages out', watchbook: three, span: 1000 * DAY, steps: 160 },
    {
      name: 'a span of four days: events lose their first stories and are regrouped',
      watchbook: book,
      span: 4 * DAY,
      steps: 200,
    },
    { name: 'a span of a day: stories empty out and go', watchbook: three, span: DAY, steps: 200 },
  ];
  for (const c of cases) {
    it(`scores as scoreScenarios after every step of random histories: ${c.name}`, () => {
      for (const seed of [1, 2, 3, 4, 5]) expect(replayHistory(seed, c.watchbook, c.span, c.steps)).toBe(c.steps);
    });
  }

  it('moves a story to the other lean when a stronger report of it turns it, and back into one event', () => {
    const ledger = new EventLedger(book, byTime);
    const a = ev({ cluster: 's1', publishedAt: NOW - 3 * HOUR, scenarios: { baseline: 0, risk: 0.5 } });
    const b = ev({ cluster: 's2', publishedAt: NOW - 2 * HOUR, scenarios: { baseline: 0.2, risk: 0 } });
    const turn = ev({ cluster: 's2', publishedAt: NOW - HOUR, scenarios: { baseline: 0, risk: 1 } });
    for (const e of [a, b]) ledger.add(e);
    expect(ledger.score(NOW).trail).toHaveLength(2);
    ledger.add(turn);
    const state = ledger.score(NOW);
    expect(state).toEqual(scoreScenarios([a, b, turn], book, NOW));
    expect(state.trail).toHaveLength(1);
    expect(state.trail[0]!.items).toBe(3);
  });

  it('keeps the latest record of each indicator, and none once all aged out', () => {
    const ledger = new EventLedger(book, byTime);
    const old = ev({ publishedAt: NOW - 5 * DAY });
    const recent = ev({ publishedAt: NOW - DAY });
    ledger.add(recent);
    ledger.add(old);
    expect(ledger.latestOf(polling.id)).toBe(recent);
    expect(ledger.forgetBefore(NOW - 2 * DAY)).toBe(1);
    expect(ledger.latestOf(polling.id)).toBe(recent);
    ledger.forgetBefore(NOW);
    expect(ledger.latestOf(polling.id)).toBeUndefined();
    expect(ledger.size).toBe(0);
  });

  it('refuses to score at a time before a record it holds: a ledger only moves forward', () => {
    const ledger = new EventLedger(book, byTime);
    ledger.add(ev({ publishedAt: NOW }));
    expect(() => ledger.score(NOW - 1)).toThrow(/^scoring: the ledger holds evidence published at \d+, after \d+/);
  });

  it('rejects a watchbook without scenarios, as scoring does', () => {
    expect(() => new EventLedger({ scenarios: [], indicators: [] }, byTime)).toThrow(
      /^scoring: the watchbook has no scenario/,
    );
  });
});
