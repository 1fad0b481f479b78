import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import { toItem } from '../../src/items/index.js';
import type { Route, Watchbook } from '../../src/model/watchbook.js';
import { evaluateItems } from '../../src/pipeline/evaluate.js';
import { Matcher } from '../../src/rules/index.js';
import { StoreError, type Store } from '../../src/store/index.js';
import { redisBackend } from '../store/backends.js';

// A score job that fails part way (Redis refusing a write under maxmemory, a blip, a kill) is retried by
// BullMQ; the retry must raise every alert the job would have raised, once. Here each write the step makes
// on real Redis fails in turn, once, and the job is retried a minute later: the alerts in the groups, the
// picture and the seen-set must be those of a run that never failed. Before the step raised its alerts
// ahead of marking its items seen, a failure in dispatch left the items seen and the picture moved, and the
// retry found nothing fresh and no crossing: the alerts were lost.

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 2, 2, 0, 0, 0); // outside every shipped indicator's window
const T1 = T0 + 2 * HOUR;
const shipped = loadWatchbookOrThrow(new URL('../../config/', import.meta.url).pathname);
const matcher = new Matcher(shipped.rules, shipped.cues);
const route: Route = {
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
 * The shipped watchbook at even priors, `risk` firing at 58% with no dwell, and the NATO indicator's window
 * opening between the two batches: the second batch raises a match, a scenario crossing and an indicator
 * change in one step.
 */
const wb: Watchbook = {
  ...shipped,
  scenarios: shipped.scenarios.map(({ alert: _a, ...s }) => ({
    ...s,
    prior: 0.5,
    ...(s.id === 'risk' && { alert: { enter: 0.58, exit: 0.53, forMs: 0 } }),
  })),
  indicators: shipped.indicators.map(({ window: _w, expectEveryMs: _e, ...i }) => ({
    ...i,
    ...(i.id === 'nato-partner-assurances' && { window: { from: T1 - MIN, to: T1 + 86_400_000, everyMs: 5 * MIN } }),
  })),
  routes: route,
  receivers: [{ id: 'desk', slack: { webhook: 'https://hooks.example.org/desk' } }],
  silences: [],
  // The shipped inhibition would keep the match off the desk while risk fires; this is about retries.
  inhibitRules: [],
};
const kiis = wb.sources.find((s) => s.id === 'kiis-reports')!;
const item = (guid: string, title: string, at: number) =>
  toItem({ guid, title, published: new Date(at).toISOString() }, kiis, new Date(at))!;
const primer = [item('weather', 'Weather in Kyiv: a cold week ahead', T0)];
const batch = [item('kiis-1', 'KIIS poll: most Ukrainians reject territorial concessions', T1 - MIN)];

/** The writes a score job makes, each of which can fail on its own. */
const WRITES = [
  'putAlerts',
  'updateAlertGroup',
  'addFingerprints',
  'addEvidence',
  'appendScenarioState',
  'setIndicatorStatus',
  'setScenarioAlert',
  'markSeen',
] as const;

/** The store, with `method` refusing its first call as Redis does a write under noeviction. */
function failingOnce(store: Store, method: string): Store & { failed: () => boolean } {
  let failed = false;
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'failed') return () => failed;
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (prop === method && !failed) {
        return () => {
          failed = true;
          return Promise.reject(
            new StoreError(`${method} failed: EXECABORT Transaction discarded because of previous errors (OOM)`),
          );
        };
      }
      return (value as (...args: unknown[]) => unknown).bind(target);
    },
  }) as Store & { failed: () => boolean };
}

/** What the alerting and the picture hold after the job: the alerts in groups, the probabilities, what is seen. */
async function outcome(store: Store) {
  const grouped = (await store.alertGroups()).flatMap((g) => g.group.alerts.map((a) => a.id)).sort();
  const state = await store.latestScenarioState();
  return {
    grouped,
    kept: (await store.getAlerts(grouped)).map((a) => a.id).sort(),
    risk: Math.round((state?.probabilities.risk ?? 0) * 1e6),
    statuses: Object.fromEntries(Object.entries(await store.indicatorStatuses()).map(([id, s]) => [id, s.status])),
    seen: await store.isSeen(
      batch.map((i) => i.key),
      T1 + HOUR,
    ),
  };
}

describe('a score job that fails part way, retried', () => {
  const backend = redisBackend();
  beforeAll(() => backend.setup());
  afterEach(() => backend.reset());
  afterAll(() => backend.teardown());

  async function clean() {
    const { store } = backend.open();
    await evaluateItems(primer, wb, matcher, store, T0);
    await evaluateItems(batch, wb, matcher, store, T1);
    const want = await outcome(store);
    await backend.reset();
    return want;
  }

  it('the clean run raises a match, a scenario firing and an indicator change', async () => {
    const want = await clean();
    expect(want.grouped.map((id) => id.split(':')[0])).toEqual(['indicator', 'match', 'scenario']);
    expect(want.grouped).toContain('scenario:risk:fire:1970-01-01T00:00:00.000Z');
    expect(want.seen).toEqual([true]);
  });

  it.each(WRITES)(
    'a failed %s: the retry raises every alert once, and the picture is the clean run’s',
    async (method) => {
      const want = await clean();
      const { store } = backend.open();
      await evaluateItems(primer, wb, matcher, store, T0);
      const faulty = failingOnce(store, method);
      await expect(evaluateItems(batch, wb, matcher, faulty, T1)).rejects.toThrow(/EXECABORT/);
      expect(faulty.failed()).toBe(true);
      // BullMQ retries the job after its backoff.
      await evaluateItems(batch, wb, matcher, store, T1 + MIN);
      const got = await outcome(store);
      expect(got.grouped).toEqual(want.grouped);
      expect(got.kept).toEqual(want.grouped);
      expect(got.statuses).toEqual(want.statuses);
      expect(got.seen).toEqual([true]);
      expect(Math.abs(got.risk - want.risk)).toBeLessThan(1e4); // a minute's decay, no more
    },
  );
});
