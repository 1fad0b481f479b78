import { describe, expect, it } from 'vitest';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import type { Alert } from '../../src/model/alert.js';
import { dispatchAlerts, notificationsDue } from '../../src/pipeline/dispatch.js';
import { MemoryStore } from '../../src/store/index.js';

// dispatch and notificationsDue on the shipped routes, an in-memory store and an injected clock.
const wb = loadWatchbookOrThrow(new URL('../../config/', import.meta.url).pathname);
const T0 = Date.UTC(2026, 6, 8, 9, 0, 0);

function alert(id: string, labels: Record<string, string>): Alert {
  return {
    id,
    kind: 'match',
    labels: { kind: 'match', ...labels },
    startsAt: T0,
    summary: id,
    explanation: { title: id },
  };
}

describe('dispatchAlerts and notificationsDue', () => {
  it('sends a high-severity group to the desk after group_wait, once, and collects it for the digest', async () => {
    const store = new MemoryStore();
    const a = alert('match:a', { severity: 'high', indicator: 'nato-partner-assurances' });
    const result = await dispatchAlerts([a], wb, store, T0);
    expect(result).toEqual({ routed: 1, silenced: 0, inhibited: 0, digested: 1 });
    expect((await store.peekDigestAlerts('analysts-digest')).map((x) => x.id)).toEqual(['match:a']);
    expect(await notificationsDue(wb, store, T0 + 10_000)).toEqual([]);
    const due = await notificationsDue(wb, store, T0 + 30_000);
    expect(due.map((n) => [n.receiver, n.alerts.map((x) => x.id)])).toEqual([['desk-slack', ['match:a']]]);
    // The same decision a tick later is the same notification (so the same job id): not a second message.
    expect((await notificationsDue(wb, store, T0 + 31_000))[0]?.id).toBe(due[0]!.id);
    await store.recordSend(
      due[0]!.groupKey,
      'desk-slack',
      { lastSentAt: T0 + 31_000, lastSentIds: ['match:a'] },
      due[0]!.id,
    );
    expect(await notificationsDue(wb, store, T0 + 60_000)).toEqual([]);
  });

  it('stops a silenced alert: from the watchbook or added at runtime', async () => {
    const store = new MemoryStore();
    await store.addSilence({
      id: 's1',
      createdAt: T0,
      matchers: { indicator: ['ukraine-polling'] },
      starts: T0 - 1,
      ends: T0 + 3_600_000,
      author: 'a',
      comment: 'c',
    });
    const result = await dispatchAlerts(
      [alert('match:b', { severity: 'high', indicator: 'ukraine-polling' })],
      wb,
      store,
      T0,
    );
    expect(result).toEqual({ routed: 0, silenced: 1, inhibited: 0, digested: 0 });
    expect(await notificationsDue(wb, store, T0 + 60_000)).toEqual([]);
  });
});
