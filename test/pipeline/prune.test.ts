import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { prunesAt } from '../../jobs/tick.js';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import type { Alert, Notification } from '../../src/model/alert.js';
import { dispatchAlerts, notificationsDue, pruneAlerts } from '../../src/pipeline/dispatch.js';
import { DEFAULT_SENT_TTL_MS, type Store } from '../../src/store/index.js';
import { type Backend, memoryBackend, redisBackend } from '../store/backends.js';
import { sentAlready } from '../store/fixtures.js';

// pruneAlerts on the shipped routes (desk-slack: group_wait 30s, group_interval 5m, repeat_interval 4h) and
// the default retention (alerts 7 days after they stopped firing, sends 9 days), on both stores, with an
// injected clock: old records go, and nothing a "send now?" decision needs goes with them.
const wb = loadWatchbookOrThrow(new URL('../../config/', import.meta.url).pathname);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 6, 8, 9, 0, 0);

const match: Alert = {
  id: 'match:kiis-1|poll-rejects-concessions',
  kind: 'match',
  labels: { kind: 'match', severity: 'high', indicator: 'ukraine-polling', rule: 'poll-rejects-concessions' },
  startsAt: T0,
  summary: 'KIIS poll',
  explanation: { title: 'KIIS poll' },
};
const scenario: Alert = {
  id: `scenario:risk:fire:${new Date(T0).toISOString()}`,
  kind: 'scenario',
  labels: { kind: 'scenario', scenario: 'risk', severity: 'high' },
  startsAt: T0,
  summary: 'Risk: alert fired',
  explanation: { status: 'firing' },
};

/** What a delivery records once every channel went. */
async function delivered(store: Store, notifications: readonly Notification[], at: number): Promise<void> {
  for (const n of notifications)
    await store.recordSend(n.groupKey, n.receiver, { lastSentAt: at, lastSentIds: n.alerts.map((a) => a.id) }, n.id);
}

describe.each<Backend>([redisBackend(), memoryBackend()])('pruneAlerts on $name', (backend) => {
  beforeAll(() => backend.setup());
  afterEach(() => backend.reset());
  afterAll(() => backend.teardown());

  it('forgets a one-off alert a week after it stopped firing, keeps a firing scenario with its send-log, and sends nothing again before repeat_interval', async () => {
    const store = backend.open().store;
    await dispatchAlerts([match, scenario], wb, store, T0);
    const first = await notificationsDue(wb, store, T0 + 30_000);
    expect(first.map((n) => n.alerts.map((a) => a.id))).toEqual([[match.id], [scenario.id]]);
    await delivered(store, first, T0 + 30_000);

    // An hour on: everything is recent, nothing goes, nothing is due.
    expect(await pruneAlerts(wb, store, T0 + HOUR)).toEqual({
      groupAlerts: 0,
      groups: 0,
      alerts: 0,
      sent: 0,
      attempts: 0,
      sendLogs: 0,
      silences: 0,
    });
    expect(await notificationsDue(wb, store, T0 + HOUR)).toEqual([]);

    // The match alert stopped firing a day after it fired (T0 + 1 day); exactly a week after that, it stays.
    const week = T0 + DAY + 7 * DAY;
    expect(await pruneAlerts(wb, store, week)).toMatchObject({ groupAlerts: 0, groups: 0, alerts: 0 });

    // The scenario fires on and repeats every repeat_interval: its last repeat went an hour before the prune.
    const tp = week + MIN;
    const repeat = await notificationsDue(wb, store, tp - HOUR);
    expect(repeat.map((n) => n.alerts.map((a) => a.id))).toEqual([[scenario.id]]);
    await delivered(store, repeat, tp - HOUR);

    // The match alert's group and its record go; the first sends are younger than sentTtlMs (9 days) and stay.
    expect(await pruneAlerts(wb, store, tp)).toEqual({
      groupAlerts: 1,
      groups: 1,
      alerts: 1,
      sent: 0,
      attempts: 0,
      sendLogs: 0,
      silences: 0,
    });
    const groups = await store.alertGroups();
    expect(groups.map((g) => g.group.alerts.map((a) => a.id))).toEqual([[scenario.id]]);
    expect((await store.getAlerts([match.id, scenario.id])).map((a) => a.id)).toEqual([scenario.id]);
    expect(await store.getSendLog(groups[0]!.key, 'desk-slack')).toMatchObject({ lastSentAt: tp - HOUR });
    expect(await sentAlready(store, repeat[0]!.id, 'desk-slack')).toBe(true);

    // Nothing is sent again before repeat_interval has passed since the last repeat, and then it is.
    expect(await notificationsDue(wb, store, tp)).toEqual([]);
    expect(await notificationsDue(wb, store, tp - HOUR + 4 * HOUR - MIN)).toEqual([]);
    const next = await notificationsDue(wb, store, tp - HOUR + 4 * HOUR + 5 * MIN);
    expect(next.map((n) => n.alerts.map((a) => a.id))).toEqual([[scenario.id]]);

    // sentTtlMs after the first sends, they go, with the send-log of the match alert's group, now gone; the
    // repeat's record stays.
    const sentGone = T0 + 30_000 + DEFAULT_SENT_TTL_MS + 1;
    expect(await pruneAlerts(wb, store, sentGone)).toEqual({
      groupAlerts: 0,
      groups: 0,
      alerts: 0,
      sent: 2,
      attempts: 0,
      sendLogs: 1,
      silences: 0,
    });
    expect(await Promise.all(first.map((n) => sentAlready(store, n.id, n.receiver)))).toEqual([false, false]);
    expect(await sentAlready(store, repeat[0]!.id, 'desk-slack')).toBe(true);
  });

  it('keeps a retried delivery from sending again for as long as the sent record is kept', async () => {
    const store = backend.open().store;
    await dispatchAlerts([match], wb, store, T0);
    const [n] = await notificationsDue(wb, store, T0 + 30_000);
    expect(await store.claimSend(n!.id, 'desk-slack#slack', 'w1', 10_000, T0 + 30_000)).toBe('claimed');
    await store.recordSend(
      n!.groupKey,
      'desk-slack#slack',
      { lastSentAt: T0 + 30_000, lastSentIds: [match.id] },
      n!.id,
    );
    // A retry 31 hours on (past the deliver queue's last attempt, 30.2 h at the longest), or 7 days after
    // that (an admin retrying a failed job from the job board).
    for (const at of [T0 + 31 * HOUR, T0 + 31 * HOUR + 7 * DAY]) {
      await pruneAlerts(wb, store, at);
      expect(await store.claimSend(n!.id, 'desk-slack#slack', 'retry', 10_000, at)).toBe('sent');
    }
  });
});

describe('the tick', () => {
  it.each([1_000, 5_000, 7_000, 60_000])('prunes once an hour with a tick every %i ms', (everyMs) => {
    const start = Math.floor(T0 / everyMs) * everyMs;
    let prunes = 0;
    for (let slot = start; slot < start + DAY; slot += everyMs) if (prunesAt(slot, everyMs)) prunes++;
    expect(prunes).toBe(24);
  });

  it('prunes at the first slot of the hour, not the next', () => {
    expect(prunesAt(Date.UTC(2026, 6, 8, 10, 0, 0))).toBe(true);
    expect(prunesAt(Date.UTC(2026, 6, 8, 10, 0, 5))).toBe(false);
    expect(prunesAt(Date.UTC(2026, 6, 8, 9, 59, 55))).toBe(false);
  });
});
