import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { insideTimeInterval, matchAlerts, scenarioAlert, wallClock } from '../../src/alerts/index.js';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import type { Route, Watchbook } from '../../src/model/watchbook.js';
import { notificationsDue } from '../../src/pipeline/dispatch.js';
import { raiseAlerts } from '../../src/pipeline/raise.js';
import { ev } from '../scoring/build.js';
import { type Backend, memoryBackend, redisBackend } from '../store/backends.js';

// Time intervals as a timeline on an injected clock, minute by minute over a weekend in Kyiv, through what
// the jobs run (raiseAlerts) and what the tick runs (notificationsDue, each notification recorded as
// delivered). Two routes take every alert in one group each (group_wait 30s, group_interval 5m,
// repeat_interval 4h): the desk's, muted by the shipped `nights` (22:00-07:00), and an office's, active only
// in the shipped `office-hours` (Monday to Friday, 08:00-18:00). A match (fires once, for a day) is raised on Friday at
// 19:50, the risk scenario's alert (fires until it clears) at 23:00. The clocks go forward on the Sunday
// (03:00 -> 04:00), so Monday 08:00 is 05:00 UTC.

const MIN = 60_000;
const KYIV = 'Europe/Kyiv';
const START = Date.parse('2026-03-27T17:50:00Z'); // Friday 19:50 in Kyiv
const END_MIN = Math.round((Date.parse('2026-03-30T06:00:00Z') - START) / MIN); // Monday 09:00 EEST
const shipped = loadWatchbookOrThrow(new URL('../../config/', import.meta.url).pathname);
const routes: Route = {
  receiver: 'desk',
  match: {},
  continue: false,
  groupBy: [],
  groupWaitMs: 30_000,
  groupIntervalMs: 5 * MIN,
  repeatIntervalMs: 4 * 60 * MIN,
  routes: [
    { match: {}, receiver: 'desk', muteTimeIntervals: ['nights'], continue: true, routes: [] },
    { match: {}, receiver: 'office', activeTimeIntervals: ['office-hours'], continue: false, routes: [] },
  ],
};
const wb: Watchbook = {
  ...shipped,
  routes,
  receivers: [
    { id: 'desk', slack: { webhook: 'https://hooks.example.org/desk' } },
    { id: 'office', email: { to: ['office@example.org'] } },
  ],
  silences: [],
  inhibitRules: [],
  timeIntervals: shipped.timeIntervals,
};
const risk = wb.scenarios.find((s) => s.id === 'risk')!;

/** `Fri 19:51` on the Kyiv wall clock. */
function local(t: number): string {
  const c = wallClock(t, KYIV);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][c.weekday]} ${pad(Math.floor(c.minute / 60))}:${pad(c.minute % 60)}`;
}

describe.each<Backend>([redisBackend(), memoryBackend()])('time intervals, on $name', (backend) => {
  beforeAll(() => backend.setup());
  afterEach(() => backend.reset());
  afterAll(() => backend.teardown());

  it('the shipped intervals: nights from 22:00 to 07:00, office hours Monday to Friday 08:00 to 18:00', () => {
    const inside = (name: string, iso: string) =>
      insideTimeInterval(shipped.timeIntervals[name] ?? [], Date.parse(iso), KYIV);
    const nights = ['2026-03-27T19:59:00Z', '2026-03-27T20:00:00Z', '2026-03-28T04:59:00Z', '2026-03-28T05:00:00Z'];
    expect(nights.map((t) => inside('nights', t))).toEqual([false, true, true, false]);
    const office = [
      '2026-03-27T05:59:00Z',
      '2026-03-27T06:00:00Z',
      '2026-03-27T15:59:00Z',
      '2026-03-27T16:00:00Z',
      '2026-03-28T10:00:00Z',
    ];
    expect(office.map((t) => inside('office-hours', t))).toEqual([false, true, true, false, false]);
  });

  it('a muted route sends nothing inside its interval, and what still fires goes when it ends; one active in office hours waits for Monday', async () => {
    const store = backend.open().store;
    const match = matchAlerts(
      [ev({ itemKey: 'friday', source: 'kiis-reports', indicator: 'ukraine-polling', seenAt: START })],
      wb,
      { before: {}, after: {} },
    )[0]!;
    const fire = scenarioAlert(risk, 'fire', 0.6, START + 190 * MIN, { firing: false, pendingSince: START });
    const sent: Record<string, [when: string, ids: string[]][]> = { desk: [], office: [] };
    const sentAt: Record<string, number[]> = { desk: [], office: [] };
    for (let minute = 0; minute <= END_MIN; minute++) {
      const now = START + minute * MIN;
      if (minute === 0) await raiseAlerts({ alerts: [match], cleared: () => false }, wb, store, now);
      if (minute === 190) await raiseAlerts({ alerts: [fire], cleared: () => false }, wb, store, now);
      for (const n of await notificationsDue(wb, store, now)) {
        await store.recordSend(
          n.groupKey,
          n.receiver,
          { lastSentAt: now, lastSentIds: n.alerts.map((a) => a.id) },
          n.id,
        );
        sent[n.receiver]!.push([local(now), n.alerts.map((a) => a.id)]);
        sentAt[n.receiver]!.push(now);
      }
    }
    console.info(
      `${backend.name}: desk ${sent.desk!.map(([w, ids]) => `${w} (${ids.length})`).join(', ')}; office ${sent.office!.map(([w]) => w).join(', ')}`,
    );
    // The desk: nothing inside the nights, ever.
    expect(sentAt.desk!.filter((t) => insideTimeInterval(wb.timeIntervals.nights!, t, KYIV)).map(local)).toEqual([]);
    // The match at once; the scenario's alert raised at 23:00, and the match's repeat due at 23:51, held
    // until the nights end, then one message with both, the new one first.
    expect(sent.desk!.slice(0, 2)).toEqual([
      ['Fri 19:51', [match.id]],
      ['Sat 07:00', [fire.id, match.id]],
    ]);
    // Repeats go on every 4h in the day; the first after 22:00 waits for 07:00 (Sunday's on the wall clock).
    expect(sent.desk!.map(([w]) => w)).toContain('Sun 07:00');
    // The office: nothing before Monday 08:00 (05:00 UTC, after the change to summer time). By then the
    // match, fired once on Friday, resolved a day later and is not sent, as Alertmanager drops what a mute
    // outlives; the scenario's alert still fires, so it goes.
    expect(sent.office).toEqual([['Mon 08:00', [fire.id]]]);
    expect(sentAt.office).toEqual([Date.parse('2026-03-30T05:00:00Z')]);
  });
});
