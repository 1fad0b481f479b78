// Aggregation groups and the "send now?" decision, after Alertmanager's dispatcher (dispatch/dispatch.go)
// and DedupStage (notify/dedup_stage.go, `needsUpdate`), as one pure function of the group, the send-log
// of one (group, receiver) and the time. The timeline of a group:
//
//   firstSeenAt ── group_wait ──> first flush ── group_interval ──> tick ── group_interval ──> tick ...
//
// - No send-log entry: send once group_wait has passed since the group's first alert (at once if it
//   already has), if anything is firing; alerts that fired and resolved within group_wait are never sent.
// - Firing alerts not in the last send (or fired again since): send at the first tick at or after the earliest of them arrived
//   (and after the last send): never between ticks, so a burst of alerts makes one message.
// - Nothing new: send again once repeat_interval has passed since the last send, rounded up to a tick as
//   Alertmanager does (its #3370); nothing at all when nothing is firing.
// Only firing alerts notify; resolved ones are not announced (no send_resolved) and stop the repeats.

import { GROUP_BY_ALL, type MatchedRoute, type RouteTimers } from './route.js';

/** One alert as its group sees it. `at`: when it last fired or resolved. */
export interface GroupAlert {
  id: string;
  firing: boolean;
  at: number;
}

/** The alerts of one group key. `firstSeenAt`: when the group received its first alert. */
export interface AlertGroup {
  firstSeenAt: number;
  alerts: GroupAlert[];
}

/** What went out to one receiver for one group: written only after a send succeeded. */
export interface SendLog {
  lastSentAt?: number;
  /** The firing alerts that send carried. */
  lastSentIds?: string[];
}

/** `first`, `new-alerts`, `repeat`: send now. `wait`: something to send at `at`. `nothing-new`: nothing before `at` (or ever, without it). */
export type DecisionReason = 'first' | 'new-alerts' | 'repeat' | 'wait' | 'nothing-new';

export interface Decision {
  send: boolean;
  reason: DecisionReason;
  /** When to look again; absent when only a new alert can change the answer. */
  at?: number;
  /** The firing alerts, in group order: what a send carries and the send-log then records. */
  alerts: string[];
}

/** The group's identity: the route's path and the values of its group_by labels (present ones only, sorted). */
export function groupKey(
  route: Pick<MatchedRoute, 'path' | 'groupBy'>,
  labels: Readonly<Record<string, string>>,
): string {
  const parts = Object.entries(groupLabels(route, labels)).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${route.path}:{${parts.join(',')}}`;
}

/** The labels a group shares: its group_by labels the alert has, sorted; every label for `['...']`. */
export function groupLabels(
  route: Pick<MatchedRoute, 'groupBy'>,
  labels: Readonly<Record<string, string>>,
): Record<string, string> {
  const names = route.groupBy.includes(GROUP_BY_ALL) ? Object.keys(labels) : route.groupBy;
  return Object.fromEntries(
    [...new Set(names)]
      .filter((k) => labels[k] !== undefined)
      .sort()
      .map((k) => [k, labels[k]!]),
  );
}

/**
 * The group with these alerts added or changed, by id: the same alert arriving twice (a retried job, a
 * rerun) is one alert and keeps the time it first fired. A new group is first seen at `now`.
 */
export function updateGroup(group: AlertGroup | undefined, changes: readonly GroupAlert[], now: number): AlertGroup {
  const alerts = new Map((group?.alerts ?? []).map((a) => [a.id, a]));
  for (const change of changes) {
    if (alerts.get(change.id)?.firing === change.firing) continue;
    alerts.set(change.id, { ...change });
  }
  return { firstSeenAt: group?.firstSeenAt ?? now, alerts: [...alerts.values()] };
}

/**
 * The group with the firing alerts `cleared` selects resolved at `now`, as Alertmanager takes an alert
 * pushed again with endsAt: it stops repeating and is not announced (no send_resolved); an alert that fires
 * again later is new again. Undefined when the group holds no such alert.
 */
export function resolveInGroup(
  group: AlertGroup,
  cleared: (id: string) => boolean,
  now: number,
): AlertGroup | undefined {
  const changes = group.alerts
    .filter((a) => a.firing && cleared(a.id))
    .map((a) => ({ id: a.id, firing: false, at: now }));
  return changes.length ? updateGroup(group, changes, now) : undefined;
}

/**
 * Alerts that fire once (a match, a scenario clearing) resolve `resolveAfterMs` after they fired, as an
 * Alertmanager alert without `endsAt` does after `resolve_timeout`, so they are not repeated every
 * repeat_interval for ever. `keep` names the ones that fire until their condition clears (clear.ts).
 */
export function resolveStale(
  group: AlertGroup,
  now: number,
  resolveAfterMs: number,
  keep: (id: string) => boolean = () => false,
): AlertGroup {
  return {
    ...group,
    alerts: group.alerts.map((a) =>
      a.firing && now - a.at >= resolveAfterMs && !keep(a.id)
        ? { id: a.id, firing: false, at: a.at + resolveAfterMs }
        : a,
    ),
  };
}

/** Whether the group goes out to a receiver now, why, and when to look again. Pure: `now` is an argument. */
export function decide(group: AlertGroup, sendLog: SendLog | undefined, timers: RouteTimers, now: number): Decision {
  const firing = group.alerts.filter((a) => a.firing);
  const alerts = firing.map((a) => a.id);
  const firstFlush = group.firstSeenAt + timers.groupWaitMs;
  /** The first group_interval tick at or after t. */
  const tick = (t: number): number => {
    if (t <= firstFlush || timers.groupIntervalMs <= 0) return Math.max(t, firstFlush);
    return firstFlush + Math.ceil((t - firstFlush) / timers.groupIntervalMs) * timers.groupIntervalMs;
  };
  const sendOr = (due: number, reason: DecisionReason, otherwise: DecisionReason): Decision =>
    now >= due ? { send: true, reason, alerts } : { send: false, reason: otherwise, at: due, alerts };

  const lastSentAt = sendLog?.lastSentAt;
  if (lastSentAt === undefined) {
    if (!firing.length) return { send: false, reason: 'nothing-new', alerts };
    return sendOr(firstFlush, 'first', 'wait');
  }
  const sent = new Set(sendLog?.lastSentIds ?? []);
  // New: not in the last send, or fired again since it (resolved and fired anew). The same alert pushed
  // again while firing keeps its first `at`, so it is not new.
  const fresh = firing.filter((a) => !sent.has(a.id) || a.at > lastSentAt);
  if (fresh.length) {
    // One send per tick: a tick strictly after the last send, and not before the new alerts arrived.
    const due = tick(Math.max(Math.min(...fresh.map((a) => a.at)), lastSentAt + 1));
    return sendOr(due, sent.size ? 'new-alerts' : 'first', 'wait');
  }
  if (!firing.length) return { send: false, reason: 'nothing-new', alerts };
  return sendOr(tick(lastSentAt + timers.repeatIntervalMs), 'repeat', 'nothing-new');
}
