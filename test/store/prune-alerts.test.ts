// pruneAlerts: the alert log, the send log and the silences each forgetting what their retention lets go, on both stores: what the pipeline sees must not depend on which one it was given.
// RedisStore runs on real Redis under a random prefix, deleted afterwards.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Store, StoreError } from '../../src/store/index.js';
import { type Backend, memoryBackend, redisBackend } from './backends.js';
import { alert, DAY, MIN, sentAlready, setGroup, sleep, T0 } from './fixtures.js';

const backends: Backend[] = [redisBackend(), memoryBackend()];

describe.each(backends)('$name', (backend) => {
  beforeAll(() => backend.setup());
  afterEach(() => backend.reset());
  afterAll(() => backend.teardown());

  const open = (opts?: Parameters<Backend['open']>[0]): Store => backend.open(opts).store;

  describe('pruneAlerts', () => {
    const log = (at: number, ids: string[]) => ({ lastSentAt: at, lastSentIds: ids });
    const ga = (id: string, firing: boolean, at: number) => ({ id, firing, at });
    const HOUR = MIN * 60;
    const ALERT_TTL = 7 * DAY;
    const SENT_TTL = 8 * DAY;
    const opts = { alertTtlMs: ALERT_TTL, sentTtlMs: SENT_TTL };

    it('forgets the alerts of a group that stopped firing before alertTtlMs, keeps firing and recent ones, and deletes a group left empty', async () => {
      const store = open(opts);
      await setGroup(
        store,
        'g',
        { firstSeenAt: T0, alerts: [ga('old', false, T0), ga('firing', true, T0), ga('recent', false, T0 + DAY)] },
        'desk',
      );
      await setGroup(store, 'h', { firstSeenAt: T0, alerts: [ga('old-h', false, T0)] }, 'desk');
      const counts = await store.pruneAlerts(T0 + DAY + ALERT_TTL);
      expect(counts).toMatchObject({ groupAlerts: 2, groups: 1 });
      // The alert resolved exactly alertTtlMs ago stays; one resolved before goes.
      expect(await store.alertGroups()).toStrictEqual([
        {
          key: 'g',
          receiver: 'desk',
          group: { firstSeenAt: T0, alerts: [ga('firing', true, T0), ga('recent', false, T0 + DAY)] },
        },
      ]);
      expect(await store.pruneAlerts(T0 + DAY + ALERT_TTL)).toMatchObject({ groupAlerts: 0, groups: 0 });
    });

    it("goes by the caller's rule for when an alert stopped firing", async () => {
      const store = open(opts);
      await setGroup(
        store,
        'g',
        { firstSeenAt: T0, alerts: [ga('once', true, T0), ga('keeps-firing', true, T0)] },
        'desk',
      );
      // As notificationsDue sees them: a one-off alert resolves a day after it fired; the other fires on.
      const stoppedAt = (a: { id: string; firing: boolean; at: number }) =>
        a.id === 'keeps-firing' ? undefined : a.at + DAY;
      expect(await store.pruneAlerts(T0 + DAY + ALERT_TTL, stoppedAt)).toMatchObject({ groupAlerts: 0 });
      expect(await store.pruneAlerts(T0 + DAY + ALERT_TTL + 1, stoppedAt)).toMatchObject({ groupAlerts: 1, groups: 0 });
      expect((await store.getAlertGroup('g'))?.alerts).toStrictEqual([ga('keeps-firing', true, T0)]);
    });

    it('keeps an alert a group still has raised (an outage checked at every fetch), however long ago it stopped firing', async () => {
      const store = open(opts);
      const outage = (at: number) =>
        alert('source-health:kiis:never', at, {
          kind: 'source-health',
          labels: { kind: 'source-health', source: 'kiis', severity: 'low' },
        });
      await store.putAlerts([outage(T0)]);
      await setGroup(store, 'g', { firstSeenAt: T0, alerts: [ga(outage(T0).id, true, T0)] }, 'on-call');
      const stoppedAt = (a: { firing: boolean; at: number }) => a.at + DAY; // resolved a day after it fired
      for (let day = 1; day <= 20; day++) {
        await store.putAlerts([outage(T0 + day * DAY)]); // still failing: raised again
        expect(await store.pruneAlerts(T0 + day * DAY + HOUR, stoppedAt)).toMatchObject({ groupAlerts: 0, alerts: 0 });
      }
      expect(await store.getAlerts([outage(T0).id])).toStrictEqual([outage(T0)]);
      // Raised no more (the source came back): forgotten a week after the last raise, not before.
      expect(await store.pruneAlerts(T0 + 27 * DAY, stoppedAt)).toMatchObject({ groupAlerts: 0, alerts: 0 });
      expect(await store.pruneAlerts(T0 + 27 * DAY + 1, stoppedAt)).toEqual({
        groupAlerts: 1,
        groups: 1,
        alerts: 1,
        sent: 0,
        attempts: 0,
        sendLogs: 0,
        silences: 0,
      });
    });

    it('drops alert records last raised before alertTtlMs that no group holds; keeps held ones and ones raised again since', async () => {
      const store = open(opts);
      await store.putAlerts([alert('old', T0), alert('held', T0), alert('again', T0), alert('new', T0 + 6 * DAY)]);
      // Raised again (an outage checked again): the first content stays, the time it was raised moves on.
      expect(await store.putAlerts([alert('again', T0 + 6 * DAY, { summary: 'later' })])).toBe(0);
      await setGroup(store, 'g', { firstSeenAt: T0, alerts: [ga('held', true, T0)] }, 'desk');
      expect(await store.pruneAlerts(T0 + ALERT_TTL + 1)).toMatchObject({ alerts: 1 });
      expect(await store.getAlerts(['old', 'held', 'again', 'new'])).toStrictEqual([
        alert('held', T0),
        alert('again', T0),
        alert('new', T0 + 6 * DAY),
      ]);
      // Once the group forgets it, the held alert goes too; a purged id put again is kept again.
      await setGroup(store, 'g', { firstSeenAt: T0, alerts: [ga('held', false, T0)] }, 'desk');
      expect(await store.pruneAlerts(T0 + ALERT_TTL + 1)).toMatchObject({ groupAlerts: 1, groups: 1, alerts: 1 });
      expect(await store.getAlerts(['held'])).toEqual([]);
      expect(await store.alertLabels(['held', 'old'])).toEqual([]);
      // Put again with other labels after the purge, an id is kept with its new content.
      const relabelled = alert('old', T0, { labels: { kind: 'scenario', severity: 'high', scenario: 'risk' } });
      expect(await store.putAlerts([relabelled])).toBe(1);
      expect(await store.alertLabels(['old'])).toStrictEqual([relabelled.labels]);
    });

    it('drops sends, in doubt or not, and attempts written before sentTtlMs; a retry within sentTtlMs never sends again', async () => {
      const store = open(opts);
      await store.recordSend('g', 'desk#email', log(T0, ['a']), 'n-old');
      await store.recordSend('g', 'desk#email', log(T0 + DAY, ['a']), 'n-recent');
      expect(await store.claimSend('n-doubt', 'desk#slack', 'crashed', 60, T0)).toBe('claimed');
      expect(await store.claimSend('n-attempt', 'desk#slack', 'crashed', 60, T0)).toBe('claimed');
      await sleep(150);
      expect(await store.claimSend('n-doubt', 'desk#slack', 'retry', 10_000, T0 + MIN)).toBe('in-doubt');
      expect(await store.pruneAlerts(T0 + SENT_TTL)).toMatchObject({ sent: 0, attempts: 0 }); // exactly sentTtlMs: kept
      expect(await store.pruneAlerts(T0 + SENT_TTL + 1)).toMatchObject({ sent: 1, attempts: 1 });
      expect(await sentAlready(store, 'n-old', 'desk#email')).toBe(false);
      expect(await sentAlready(store, 'n-recent', 'desk#email')).toBe(true);
      expect(await store.claimSend('n-doubt', 'desk#slack', 'late', 10_000, T0 + SENT_TTL + 1)).toBe('sent');
      // The attempt dropped: sentTtlMs after it started, a claim starts afresh.
      expect(await store.claimSend('n-attempt', 'desk#slack', 'late', 10_000, T0 + SENT_TTL + 1)).toBe('claimed');
      expect(await store.pruneAlerts(T0 + MIN + SENT_TTL + 1)).toMatchObject({ sent: 1 });
      expect(await sentAlready(store, 'n-doubt', 'desk#slack')).toBe(false);
    });

    it("keeps a live group's send-log however old, so its firing alerts wait for repeat_interval; drops an old one whose group is gone", async () => {
      const store = open(opts);
      await setGroup(store, 'live', { firstSeenAt: T0, alerts: [ga('a', true, T0)] }, 'desk');
      await store.recordSend('live', 'desk', log(T0, ['a']), 'n1');
      await store.recordSend('live', 'desk#email', log(T0, ['a']), 'n1');
      await store.recordSend('gone', 'desk', log(T0, ['b']), 'n2');
      await store.recordSend('gone-lately', 'desk', log(T0 + 7 * DAY, ['c']), 'n3');
      await store.recordSend('dated-later', 'desk', log(T0, ['d']), 'n4');
      await store.recordSend('dated-later', 'desk', log(T0 + 7 * DAY, ['d']), 'n5');
      expect(await store.pruneAlerts(T0 + SENT_TTL + 1)).toMatchObject({ sendLogs: 1, groups: 0 });
      expect(await store.getSendLog('live', 'desk')).toStrictEqual(log(T0, ['a']));
      expect(await store.getSendLog('live', 'desk#email')).toStrictEqual(log(T0, ['a']));
      expect(await store.getSendLog('gone', 'desk')).toBeUndefined();
      expect(await store.getSendLog('gone-lately', 'desk')).toStrictEqual(log(T0 + 7 * DAY, ['c']));
      expect(await store.getSendLog('dated-later', 'desk')).toStrictEqual(log(T0 + 7 * DAY, ['d']));
    });

    it('keeps a send recorded without a time', async () => {
      const store = open(opts);
      await store.recordSend('g', 'r', {}, 'n1');
      expect(await store.pruneAlerts(T0 + 365 * DAY)).toEqual({
        groupAlerts: 0,
        groups: 0,
        alerts: 0,
        sent: 0,
        attempts: 0,
        sendLogs: 0,
        silences: 0,
      });
      expect(await sentAlready(store, 'n1', 'r')).toBe(true);
      expect(await store.getSendLog('g', 'r')).toStrictEqual({});
    });

    it('refuses a now that is not finite', async () => {
      await expect(open(opts).pruneAlerts(Number.NaN)).rejects.toThrow(StoreError);
    });
  });
});
