import { describe, expect, it } from 'vitest';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import type { Alert } from '../../src/model/alert.js';
import type { Route, Watchbook } from '../../src/model/watchbook.js';
import { dispatchAlerts, notificationsDue } from '../../src/pipeline/dispatch.js';
import { MemoryStore } from '../../src/store/index.js';

// An update of a group tells the receiver what is new since its last message, and leads with it: the
// notification names the new alerts and lists them first.

const MIN = 60_000;
const T0 = Date.UTC(2026, 2, 2);
const shipped = loadWatchbookOrThrow(new URL('../../config/', import.meta.url).pathname);
const route: Route = {
  receiver: 'desk',
  match: {},
  continue: false,
  groupBy: ['indicator'],
  groupWaitMs: 30_000,
  groupIntervalMs: 5 * MIN,
  repeatIntervalMs: 4 * 60 * MIN,
  routes: [],
};
const wb: Watchbook = {
  ...shipped,
  routes: route,
  receivers: [{ id: 'desk', slack: { webhook: 'https://hooks.example.org/desk' } }],
  silences: [],
};
const alert = (id: string, at: number): Alert => ({
  id: `match:${id}`,
  kind: 'match',
  labels: {
    kind: 'match',
    indicator: 'ukraine-polling',
    severity: 'high',
    source: 'kiis-reports',
    rule: 'poll-rejects-concessions',
  },
  startsAt: at,
  summary: `Poll ${id}`,
  explanation: {},
});

describe('notificationsDue on an update of a group', () => {
  it('names the alerts new since the last message and lists them first; a repeat has none new', async () => {
    const store = new MemoryStore();
    await dispatchAlerts([alert('a', T0), alert('b', T0)], wb, store, T0);
    const [first] = await notificationsDue(wb, store, T0 + MIN);
    expect(first!.newIds).toEqual(['match:a', 'match:b']);
    await store.recordSend(
      first!.groupKey,
      first!.receiver,
      { lastSentAt: T0 + MIN, lastSentIds: first!.alerts.map((a) => a.id) },
      first!.id,
    );

    await dispatchAlerts([alert('c', T0 + 2 * MIN)], wb, store, T0 + 2 * MIN);
    const [update] = await notificationsDue(wb, store, T0 + 7 * MIN);
    expect(update!.newIds).toEqual(['match:c']);
    expect(update!.alerts.map((a) => a.id)).toEqual(['match:c', 'match:a', 'match:b']);
    await store.recordSend(
      update!.groupKey,
      update!.receiver,
      { lastSentAt: T0 + 7 * MIN, lastSentIds: update!.alerts.map((a) => a.id) },
      update!.id,
    );

    // Match alerts resolve a day after they fired; before that, repeat_interval sends them again, none new.
    const [repeat] = await notificationsDue(wb, store, T0 + 7 * MIN + 4 * 60 * MIN + 5 * MIN);
    expect(repeat!.newIds).toEqual([]);
  });
});
