import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import { recordFailure, recordSuccess } from '../../src/fetch/index.js';
import { toItem } from '../../src/items/index.js';
import type { SourceHealth } from '../../src/model/source-health.js';
import type { Indicator, Route, Watchbook } from '../../src/model/watchbook.js';
import { notificationsDue, pruneAlerts } from '../../src/pipeline/dispatch.js';
import { evaluateItems } from '../../src/pipeline/evaluate.js';
import { alertsAfterFetch, raiseAlerts } from '../../src/pipeline/raise.js';
import { Matcher } from '../../src/rules/index.js';
import { DEFAULT_ALERT_TTL_MS, type Store } from '../../src/store/index.js';
import { type Backend, memoryBackend, redisBackend } from '../store/backends.js';

// Alerts that fire while their condition holds, as timelines on an injected clock, through what the score
// and fetch jobs run (evaluateItems; alertsAfterFetch and raiseAlerts) and what the tick
// runs (notificationsDue every minute, a delivery recorded as it goes, pruneAlerts): a scenario crossing its
// thresholds and falling back, an indicator going overdue and hearing news again, a source failing and
// recovering. Each fires, repeats every repeat_interval while it holds, is resolved when it clears, is never
// sent again, and is pruned DEFAULT_ALERT_TTL_MS (7 days) after. The shipped watchbook with short half-lives,
// one receiver, every label its own group (group_by: ['...']), group_wait 30s, group_interval 5m,
// repeat_interval 4h.

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 2, 2, 0, 0, 0); // outside every shipped indicator's window
const REPEAT_MIN = 4 * 60;
const shipped = loadWatchbookOrThrow(new URL('../../config/', import.meta.url).pathname);
const matcher = new Matcher(shipped.rules, shipped.cues);
const routes: Route = {
  receiver: 'desk',
  match: {},
  continue: false,
  groupBy: ['...'],
  groupWaitMs: 30_000,
  groupIntervalMs: 5 * MIN,
  repeatIntervalMs: 4 * HOUR,
  routes: [],
};

/**
 * The shipped watchbook, its indicators halving every 6 h with no window and no expectation unless given;
 * with `risk` thresholds, both scenarios at even priors.
 */
function watchbook(
  opts: { risk?: { enter: number; exit: number; forMs: number }; expect?: Record<string, number> } = {},
): Watchbook {
  const indicators = shipped.indicators.map(({ window: _w, expectEveryMs: _e, ...i }): Indicator => ({
    ...i,
    halfLifeMs: 6 * HOUR,
    ...(opts.expect?.[i.id] !== undefined && { expectEveryMs: opts.expect[i.id] }),
  }));
  const scenarios = shipped.scenarios.map(({ alert: _a, ...s }) => ({
    ...s,
    ...(opts.risk && { prior: 0.5 }),
    ...(s.id === 'risk' && opts.risk && { alert: opts.risk }),
  }));
  const sources = shipped.sources.map((s) => ({ ...s, everyMs: 15 * MIN }));
  return {
    ...shipped,
    scenarios,
    indicators,
    sources,
    routes,
    receivers: [{ id: 'desk', slack: { webhook: 'https://hooks.example.org/desk' } }],
    silences: [],
  };
}

let n = 0;
/** A KIIS release (poll-rejects-concessions: risk) published at `at`, or with `neutral` an item no rule takes. */
function item(wb: Watchbook, at: number, neutral = false) {
  const source = wb.sources.find((s) => s.id === 'kiis-reports')!;
  const title = neutral
    ? `Weather in Kyiv, bulletin ${++n}`
    : `KIIS poll ${++n}: most Ukrainians reject territorial concessions`;
  return toItem({ guid: `item-${n}`, title, published: new Date(at).toISOString() }, source, new Date(at))!;
}

interface Sent {
  minute: number;
  alerts: string[];
}

interface Timeline {
  /** Every notification, by the minute it went and what it carried. */
  sent: Sent[];
  /** Minutes at which an alert was raised, by id, and at which a step resolved something. */
  raised: Map<string, number>;
  resolved: number[];
}

/**
 * Minutes 0 to `until`: `step` runs first (a job's work), then the tick's notificationsDue, each notification
 * recorded as delivered at once.
 */
async function play(
  store: Store,
  wb: Watchbook,
  until: number,
  step: (minute: number, now: number) => Promise<Awaited<ReturnType<typeof raiseAlerts>> | undefined>,
  raisedBy: (minute: number) => string[],
): Promise<Timeline> {
  const timeline: Timeline = { sent: [], raised: new Map(), resolved: [] };
  for (let minute = 0; minute <= until; minute++) {
    const now = T0 + minute * MIN;
    const result = await step(minute, now);
    for (const id of raisedBy(minute)) if (!timeline.raised.has(id)) timeline.raised.set(id, minute);
    if (result?.resolved) timeline.resolved.push(minute);
    for (const n of await notificationsDue(wb, store, now)) {
      await store.recordSend(n.groupKey, n.receiver, { lastSentAt: now, lastSentIds: n.alerts.map((a) => a.id) }, n.id);
      timeline.sent.push({ minute, alerts: n.alerts.map((a) => a.id) });
    }
  }
  return timeline;
}

/** The minutes the notifications carrying `id` went out. */
const sendsOf = (t: Timeline, id: string) => t.sent.filter((s) => s.alerts.includes(id)).map((s) => s.minute);

/**
 * What the group of an alert raised at minute `fired` and resolved at `resolved` must send: at group_wait
 * (the next minute), then every repeat_interval rounded up to the group's next 5-minute tick (4 h 5 min,
 * the tick landing 30 s after a minute: Alertmanager #3370), while it fires; nothing after.
 */
function expectedSends(fired: number, resolved: number): number[] {
  const out = [fired + 1];
  while (out.at(-1)! + REPEAT_MIN + 5 < resolved) out.push(out.at(-1)! + REPEAT_MIN + 5);
  return out;
}

/** Pruned exactly DEFAULT_ALERT_TTL_MS after it was resolved (and last raised), not a minute before. */
async function expectPrunedAfterRetention(store: Store, wb: Watchbook, id: string, resolvedAt: number): Promise<void> {
  const held = async () => (await store.alertGroups()).some((g) => g.group.alerts.some((a) => a.id === id));
  await pruneAlerts(wb, store, resolvedAt + DEFAULT_ALERT_TTL_MS - MIN);
  expect(await held()).toBe(true);
  expect((await store.alertGroups()).flatMap((g) => g.group.alerts).find((a) => a.id === id)).toMatchObject({
    firing: false,
    at: resolvedAt,
  });
  await pruneAlerts(wb, store, resolvedAt + DEFAULT_ALERT_TTL_MS + MIN);
  expect(await held()).toBe(false);
  expect(await store.getAlerts([id])).toEqual([]);
}

describe.each<Backend>([redisBackend(), memoryBackend()])('conditions that clear, on $name', (backend) => {
  beforeAll(() => backend.setup());
  afterEach(() => backend.reset());
  afterAll(() => backend.teardown());

  /** A score job: the items evaluated, the alerts they raise dispatched, the ones they clear resolved. */
  async function score(wb: Watchbook, store: Store, items: ReturnType<typeof item>[], now: number, raised: string[]) {
    const result = await evaluateItems(items, wb, matcher, store, now);
    raised.push(...result.alerts.map((a) => a.id));
    return { dispatched: result.dispatched, resolved: result.resolved, groups: result.groups };
  }

  it('a scenario: fires after its dwell, repeats while above exit, resolved when it falls to exit, then silent and pruned', async () => {
    const wb = watchbook({ risk: { enter: 0.58, exit: 0.53, forMs: 10 * MIN } });
    const store = backend.open().store;
    const raised: string[] = [];
    // A KIIS release at 0, then news no rule takes every half hour (each a score job): the risk it carries
    // decays with the 6 h half-life.
    const t = await play(
      store,
      wb,
      24 * 60,
      async (minute, now) => {
        raised.length = 0;
        if (minute === 0) return score(wb, store, [item(wb, now)], now, raised);
        if (minute % 30 === 0) return score(wb, store, [item(wb, now, true)], now, raised);
        return undefined;
      },
      () => raised,
    );
    const fire = [...t.raised.keys()].find((id) => id.startsWith('scenario:risk:fire:'))!;
    const clear = [...t.raised.keys()].find((id) => id.startsWith('scenario:risk:clear:'))!;
    const [fired, cleared] = [t.raised.get(fire)!, t.raised.get(clear)!];
    console.info(
      `${backend.name} scenario: risk fired at ${fired} min, cleared at ${cleared} min; sent at ${sendsOf(t, fire).join(', ')} min; resolved at ${t.resolved.join(', ')} min`,
    );
    // The release moves risk by 0.5 nats × credibility 0.9 × decay d, from even odds: 61% at once, 58% (enter)
    // while d ≥ 0.72, 53% (exit) once d ≤ 0.27, 11.4 h on. So the evaluation at 30 min fires (the 10 min
    // dwell is over), and the one at 11.5 h clears.
    expect(fired).toBe(30);
    expect(cleared).toBe(11.5 * 60);
    expect(t.resolved).toEqual([cleared]);
    expect(sendsOf(t, fire)).toEqual(expectedSends(fired, cleared));
    expect(sendsOf(t, fire).length).toBeGreaterThanOrEqual(3);
    // The run goes on for more than two repeat_intervals after the resolution: nothing more.
    expect(24 * 60 - cleared).toBeGreaterThan(2 * REPEAT_MIN);
    await expectPrunedAfterRetention(store, wb, fire, T0 + cleared * MIN);
  });

  it('an indicator: overdue when its expected news does not come, repeated while overdue, resolved when news comes, then silent and pruned', async () => {
    const wb = watchbook({ expect: { 'ukraine-polling': 24 * HOUR } });
    const store = backend.open().store;
    const raised: string[] = [];
    // A KIIS release at 0, news no rule takes every half hour, and the next KIIS release at 40 h.
    const t = await play(
      store,
      wb,
      60 * 60,
      async (minute, now) => {
        raised.length = 0;
        if (minute === 0 || minute === 40 * 60) return score(wb, store, [item(wb, now)], now, raised);
        if (minute % 30 === 0) return score(wb, store, [item(wb, now, true)], now, raised);
        return undefined;
      },
      () => raised,
    );
    const overdue = [...t.raised.keys()].find((id) => id.startsWith('indicator:ukraine-polling:overdue:'))!;
    const back = [...t.raised.keys()].find((id) => id.startsWith('indicator:ukraine-polling:active:'))!;
    const [fired, resolved] = [t.raised.get(overdue)!, t.resolved[0]!];
    console.info(
      `${backend.name} indicator: overdue at ${fired} min, news again at ${t.raised.get(back)} min; overdue sent at ${sendsOf(t, overdue).join(', ')} min; resolved at ${t.resolved.join(', ')} min`,
    );
    // Overdue once more than a day passed since the release: at the first evaluation after 24 h.
    expect(fired).toBe(24 * 60 + 30);
    expect(t.resolved).toEqual([40 * 60]);
    expect(t.raised.get(back)).toBe(40 * 60);
    expect(sendsOf(t, overdue)).toEqual(expectedSends(fired, resolved));
    // The notice that news came is an alert of its own, sent once it is raised.
    expect(sendsOf(t, back)[0]).toBe(40 * 60 + 1);
    await expectPrunedAfterRetention(store, wb, overdue, T0 + resolved * MIN);
  });

  it('a source: an outage raised at the third failure and at every check after, repeated while it fails, resolved by a fetch that goes well, then silent and pruned', async () => {
    const wb = watchbook();
    const store = backend.open().store;
    const source = wb.sources.find((s) => s.id === 'kiis-reports')!;
    let health: SourceHealth = recordSuccess(undefined, {
      source: source.id,
      now: T0 - 15 * MIN,
      items: 3,
      nextCheckAt: T0,
    });
    const raised: string[] = [];
    const RECOVERS = 10 * 60;
    // Checked every 15 minutes: failing (a timeout) from 0 until it recovers at 10 h.
    const t = await play(
      store,
      wb,
      20 * 60,
      async (minute, now) => {
        raised.length = 0;
        if (minute % 15 !== 0) return undefined;
        health =
          minute < RECOVERS
            ? recordFailure(health, {
                source: source.id,
                now,
                error: { reason: 'timeout', message: 'no answer in 10 s' },
                baseIntervalMs: source.everyMs,
              })
            : recordSuccess(health, { source: source.id, now, items: 3, nextCheckAt: now + source.everyMs });
        const step = alertsAfterFetch(health, source, now);
        raised.push(...step.alerts.map((a) => a.id));
        return raiseAlerts(step, wb, store, now);
      },
      () => raised,
    );
    const ids = [...t.raised.keys()];
    expect(ids).toHaveLength(1); // one outage, however often it is checked
    const outage = ids[0]!;
    const fired = t.raised.get(outage)!;
    console.info(
      `${backend.name} source: outage raised at ${fired} min; sent at ${sendsOf(t, outage).join(', ')} min; resolved at ${t.resolved.join(', ')} min`,
    );
    expect(fired).toBe(30); // the third failure in a row
    expect(t.resolved).toEqual([RECOVERS]);
    expect(sendsOf(t, outage)).toEqual(expectedSends(fired, RECOVERS));
    // Last raised by the check before the recovery; pruned 7 days after the resolution.
    await expectPrunedAfterRetention(store, wb, outage, T0 + RECOVERS * MIN);
  });

  it('an outage resolves even when its source left the watchbook: it fires once, and stops a day after', async () => {
    const wb = watchbook();
    const store = backend.open().store;
    const source = wb.sources.find((s) => s.id === 'kiis-reports')!;
    let health: SourceHealth | undefined;
    for (const minute of [0, 15, 30]) {
      health = recordFailure(health, {
        source: source.id,
        now: T0 + minute * MIN,
        error: { reason: 'timeout', message: 'no answer' },
        baseIntervalMs: source.everyMs,
      });
      await raiseAlerts(alertsAfterFetch(health, source, T0 + minute * MIN), wb, store, T0 + minute * MIN);
    }
    const without = { ...wb, sources: wb.sources.filter((s) => s.id !== source.id) };
    const due = async (book: Watchbook, minute: number) =>
      (await notificationsDue(book, store, T0 + minute * MIN)).length;
    expect(await due(without, 31)).toBe(1);
    // Nothing was sent yet: a day on, the outage of a source still watched is due, that of one removed is not.
    expect(await due(wb, 30 + 24 * 60 + 10)).toBe(1);
    expect(await due(without, 30 + 24 * 60 + 10)).toBe(0);
  });
});
