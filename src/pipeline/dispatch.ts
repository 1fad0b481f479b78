// dispatch(): alerts to their receivers, Alertmanager style. Silenced alerts stop here; the others are routed,
// and either collected for a receiver's digest or added to their aggregation group, unless inhibited: an
// inhibited alert (alerts/inhibit.ts) joins no group, so no Slack or email message carries it, but digests
// still collect it, since a digest is the analysts' record of the period, not an interruption.
// resolveAlerts() resolves the ones whose condition cleared (alerts/clear.ts). notificationsDue() is the
// other half, run by the tick: the groups whose "send now?" decision says yes, as notifications to deliver,
// unless their route's time intervals mute it (alerts/time-interval.ts). pruneAlerts(), also from the tick,
// forgets what no decision needs any more.

import { createHash } from 'node:crypto';
import {
  type Cleared,
  decide,
  firesUntilCleared,
  groupKey,
  groupLabels,
  inhibitedBy,
  isSilenced,
  mayBeInhibited,
  resolveInGroup,
  resolveStale,
  routeAlert,
  routeMuted,
  updateGroup,
} from '../alerts/index.js';
import type { Alert, Notification } from '../model/alert.js';
import type { Watchbook } from '../model/watchbook.js';
import type { AlertGroupRecord, AlertPrune, GroupAlertRecord, SendLogRecord, Store } from '../store/index.js';

/** Alerts that fire once (a match, a scenario clearing, ...) stop repeating this long after they fired. */
const RESOLVE_AFTER_MS = 24 * 3_600_000;

export interface DispatchResult {
  routed: number;
  silenced: number;
  /** Alerts that joined no group because a firing alert inhibits them (a digest may still collect them). */
  inhibited: number;
  digested: number;
}

export async function dispatchAlerts(
  alerts: readonly Alert[],
  watchbook: Watchbook,
  store: Store,
  now: number,
): Promise<DispatchResult> {
  return (await dispatchToGroups(alerts, watchbook, store, now)).result;
}

/** dispatchAlerts, also saying which groups the alerts joined (their "send now?" may have changed). */
export async function dispatchToGroups(
  alerts: readonly Alert[],
  watchbook: Watchbook,
  store: Store,
  now: number,
): Promise<{ result: DispatchResult; groups: GroupRef[] }> {
  const result: DispatchResult = { routed: 0, silenced: 0, inhibited: 0, digested: 0 };
  if (alerts.length === 0) return { result, groups: [] };
  const silences = [...watchbook.silences, ...(await store.silences())];
  await store.putAlerts(alerts);
  const audible = alerts.filter((a) => !isSilenced(a.labels, silences, now));
  const firing = await firingLabels(audible, watchbook, store, now);
  // Collected first and written once per group and per digest: a batch of a thousand matches is a few
  // writes, not a thousand rewrites of a growing group.
  const groups = new Map<string, { receiver: string; ids: string[] }>();
  const digests = new Map<string, Alert[]>();
  result.silenced = alerts.length - audible.length;
  for (const alert of audible) {
    const inhibited = firing.length > 0 && inhibitedBy(alert.labels, firing, watchbook.inhibitRules) !== undefined;
    if (inhibited) result.inhibited++;
    for (const route of routeAlert(alert.labels, watchbook.routes)) {
      const receiver = watchbook.receivers.find((r) => r.id === route.receiver);
      if (!receiver) continue;
      if (receiver.digest) {
        const collected = digests.get(receiver.id);
        if (collected) collected.push(alert);
        else digests.set(receiver.id, [alert]);
        result.digested++;
        continue;
      }
      if (inhibited) continue;
      const key = groupKey(route, alert.labels);
      const group = groups.get(key) ?? { receiver: receiver.id, ids: [] };
      group.ids.push(alert.id);
      groups.set(key, group);
      result.routed++;
    }
  }
  for (const [receiver, collected] of digests) await store.appendDigestAlerts(receiver, collected);
  for (const [key, { receiver, ids }] of groups) {
    await store.updateAlertGroup(key, receiver, (group) =>
      updateGroup(
        group,
        ids.map((id) => ({ id, firing: true, at: now })),
        now,
      ),
    );
  }
  return { result, groups: [...groups].map(([key, { receiver }]) => ({ key, receiver })) };
}

/**
 * The labels of the alerts that fire at `now` and may inhibit: the firing alerts of every group, as
 * notificationsDue sees them, and the batch's own (silenced ones excepted: a silence mutes the alert and what
 * it would explain alike, so no one is left unaware of both). Nothing is read when no rule could mute any
 * alert of the batch.
 */
async function firingLabels(
  batch: readonly Alert[],
  watchbook: Watchbook,
  store: Store,
  now: number,
): Promise<Record<string, string>[]> {
  if (!batch.some((a) => mayBeInhibited(a.labels, watchbook.inhibitRules))) return [];
  const inBatch = new Set(batch.map((a) => a.id));
  const grouped = new Set<string>();
  for (const { group } of await store.alertGroups()) {
    for (const alert of group.alerts)
      if (!inBatch.has(alert.id) && stoppedFiringAt(alert, now, watchbook) === undefined) grouped.add(alert.id);
  }
  return [...batch.map((a) => a.labels), ...(await store.alertLabels([...grouped]))];
}

/**
 * Resolve, at `now`, the firing alerts `cleared` selects (their condition is over) in every group that holds
 * one: they stop repeating and, once old, are pruned; a resolved alert is not announced. Returns how many
 * group entries it resolved. A digest keeps what it collected: it tells what happened. Only the groups that
 * await clearing are read: every fetch resolves, and a watch's groups are mostly of matches.
 */
export async function resolveAlerts(cleared: Cleared, store: Store, now: number): Promise<number> {
  let resolved = 0;
  for (const { key, receiver, group } of await store.alertGroupsAwaitingClearing()) {
    if (!group.alerts.some((a) => a.firing && cleared(a.id))) continue;
    let count = 0;
    await store.updateAlertGroup(key, receiver, (current) => {
      // Rerun on what is there now when another writer came in between: count that run's.
      const next = current && resolveInGroup(current, cleared, now);
      count = next ? current.alerts.filter((a) => a.firing && cleared(a.id)).length : 0;
      return next;
    });
    resolved += count;
  }
  return resolved;
}

/** Notifications whose time has come: one per (group, receiver) that decide() says to send now. */
export async function notificationsDue(watchbook: Watchbook, store: Store, now: number): Promise<Notification[]> {
  return (await decideGroups(await store.alertGroups(), watchbook, store, now)).flatMap((d) => d.notification ?? []);
}

/** A group by its key and the receiver its route sends it to. */
export interface GroupRef {
  key: string;
  receiver: string;
}

/**
 * notificationsDue for these groups only (those a batch of alerts just joined, or whose wait ended), read
 * by key, and when to look again at each that waits (its group_wait or group_interval not over yet).
 */
export async function notificationsDueFor(
  groups: readonly GroupRef[],
  watchbook: Watchbook,
  store: Store,
  now: number,
): Promise<{ due: Notification[]; wake: (GroupRef & { at: number })[] }> {
  const entries: GroupEntry[] = [];
  for (const { key, receiver } of groups) {
    const group = await store.getAlertGroup(key);
    if (group) entries.push({ key, receiver, group });
  }
  const due: Notification[] = [];
  const wake: (GroupRef & { at: number })[] = [];
  (await decideGroups(entries, watchbook, store, now)).forEach(({ notification, at }, i) => {
    const { key, receiver } = entries[i]!;
    if (notification) due.push(notification);
    else if (at !== undefined && at > now) wake.push({ key, receiver, at });
  });
  return { due, wake };
}

type GroupEntry = GroupRef & { group: AlertGroupRecord };

/**
 * The "send now?" decision of each group at `now`, in their order: the notification to send, or when to
 * look again. What every decision reads (each group's first alert, for its route, and its send-log) is read
 * for all of them at once: the tick decides every group every few seconds.
 */
async function decideGroups(
  entries: readonly GroupEntry[],
  watchbook: Watchbook,
  store: Store,
  now: number,
): Promise<{ notification?: Notification; at?: number }[]> {
  if (entries.length === 0) return [];
  const firstIds = [...new Set(entries.flatMap((e) => e.group.alerts.slice(0, 1).map((a) => a.id)))];
  const firsts = new Map((await store.getAlerts(firstIds)).map((a) => [a.id, a]));
  const sendLogs = await store.getSendLogs(entries);
  const out: { notification?: Notification; at?: number }[] = [];
  for (const [i, entry] of entries.entries()) {
    const first = entry.group.alerts[0] && firsts.get(entry.group.alerts[0].id);
    out.push(await decideGroup(entry, first, sendLogs[i], watchbook, store, now));
  }
  return out;
}

/** The "send now?" decision of one group, given its first alert and its send-log. */
async function decideGroup(
  entry: GroupEntry,
  first: Alert | undefined,
  sendLog: SendLogRecord | undefined,
  watchbook: Watchbook,
  store: Store,
  now: number,
): Promise<{ notification?: Notification; at?: number }> {
  const { key, receiver } = entry;
  const group = resolveStale(entry.group, now, RESOLVE_AFTER_MS, (id) => firesUntilCleared(id, watchbook));
  const route =
    first &&
    routeAlert(first.labels, watchbook.routes).find((r) => key.startsWith(`${r.path}:`) && r.receiver === receiver);
  if (!first || !route) return {}; // the route or receiver was removed from the watchbook
  // Inside a mute (or outside the active times) the decision is not taken, so nothing is recorded: what
  // still fires when the mute ends goes then, as in Alertmanager.
  if (routeMuted(route.route, watchbook.timeIntervals, watchbook.watch.timezone, now)) return {};
  const decision = decide(group, sendLog, route, now);
  if (!decision.send) return decision.reason === 'wait' && decision.at !== undefined ? { at: decision.at } : {};
  // What the receiver has not heard yet (not in the last message, or fired again since), led with.
  const sent = new Set(sendLog?.lastSentIds ?? []);
  const firedAt = new Map(group.alerts.map((a) => [a.id, a.at]));
  const isNew = (id: string) =>
    sendLog?.lastSentAt === undefined || !sent.has(id) || (firedAt.get(id) ?? 0) > sendLog.lastSentAt;
  const newIds = decision.alerts.filter(isNew);
  const alerts = await store.getAlerts([...newIds, ...decision.alerts.filter((id) => !isNew(id))]);
  // The same alerts to the same receiver are the same notification, whichever tick decides it; a repeat
  // is a new one, once per send it follows.
  const repeatOf = decision.reason === 'repeat' ? String(sendLog?.lastSentAt) : '';
  const id = createHash('sha256')
    .update(`${key}\n${receiver}\n${decision.alerts.join('\n')}\n${repeatOf}`)
    .digest('base64url')
    .slice(0, 24);
  return {
    notification: { receiver, groupKey: key, groupLabels: groupLabels(route, first.labels), alerts, newIds, id },
  };
}

/** When a group's alert stopped firing as notificationsDue sees it at `now`; undefined while it fires. */
export function stoppedFiringAt(
  alert: GroupAlertRecord,
  now: number,
  watchbook: Pick<Watchbook, 'scenarios' | 'indicators' | 'sources'>,
): number | undefined {
  const [seen] = resolveStale({ firstSeenAt: alert.at, alerts: [alert] }, now, RESOLVE_AFTER_MS, (id) =>
    firesUntilCleared(id, watchbook),
  ).alerts;
  return seen?.firing === false ? seen.at : undefined;
}

/**
 * Forget what no "send now?" decision and no retried delivery needs any more (Store.pruneAlerts, by the
 * store's retention): alerts that stopped firing as notificationsDue sees them with this watchbook (resolved,
 * or fired once a day ago), groups left empty, alerts no group holds, old sends and the send-logs of groups
 * gone. A group's firing alerts and its send-log stay, so nothing is sent again before its repeat_interval.
 */
export function pruneAlerts(
  watchbook: Pick<Watchbook, 'scenarios' | 'indicators' | 'sources'>,
  store: Store,
  now: number,
): Promise<AlertPrune> {
  return store.pruneAlerts(now, (alert) => stoppedFiringAt(alert, now, watchbook));
}
