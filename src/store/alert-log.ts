// The alert log: alerts kept by id (first write wins, dated by their last raise, their labels beside them)
// and the groups they are dispatched in, with their receivers; and its retention (pruneAlerts' first part:
// groups, then alerts).
import type { Alert } from '../model/alert.js';
import { checkTime, parseJson, StoreError } from './errors.js';
import type { StoreKeys } from './keys.js';
import { read, readAll, setNewAlerts as setNewInMemory, settle } from './memory-base.js';
import type { Retention } from './options.js';
import { compareCodePoints } from './order.js';
import {
  type AlertGroupRecord,
  type AlertPrune,
  awaitsClearing,
  checkAlerts,
  checkGroup,
  type StoppedAt,
  stoppedBefore,
  type StoredGroup,
  withoutStale,
} from './records.js';
import { allJson, chunks, getJson, op } from './redis-base.js';
import { PRUNE_GROUP, PURGE_ALERTS, PUT_ALERTS, type RedisClient, SET_GROUP } from './scripts.js';

/**
 * Tries of updateAlertGroup's compare-and-set: a try lost is one another writer won, and every fetch job of
 * every worker may raise a source outage into one on-call group at once (a network outage fails them all).
 */
const GROUP_CAS_TRIES = 100;

export type GroupUpdate = (group: AlertGroupRecord | undefined) => AlertGroupRecord | undefined;

/** A group with its key and the receiver its route sends it to. */
export interface GroupEntry {
  key: string;
  receiver: string;
  group: AlertGroupRecord;
}

export interface AlertLogStore {
  /** The group under a group key, or undefined. */
  getAlertGroup(key: string): Promise<AlertGroupRecord | undefined>;
  /**
   * Change a group by compare-and-set, so two jobs changing one group at once (a dispatch adding an alert, a
   * resolution) both land: `update` gets the group under `key` (undefined when there is none) and returns
   * what to write with `receiver`, or undefined to leave it as it is. If another writer changed the group
   * in between, `update` runs again on what is there now. Returns what was written, or undefined.
   */
  updateAlertGroup(key: string, receiver: string, update: GroupUpdate): Promise<AlertGroupRecord | undefined>;
  /** Every group with its key and receiver, by key. */
  alertGroups(): Promise<GroupEntry[]>;
  /**
   * The groups that await clearing (records.ts awaitsClearing), by key, and perhaps a few that no longer do:
   * what a resolution reads. A fetch resolves after every poll, and most groups hold matches only.
   */
  alertGroupsAwaitingClearing(): Promise<GroupEntry[]>;
  /**
   * Keep alerts by id; returns how many ids were new. First write wins: an id already present keeps its
   * first content (an alert id names what fired, so a rerun brings the same alert), as does an id
   * repeated within one call. Each put counts as the alert raised at its startsAt, the latest kept, which
   * pruneAlerts goes by.
   */
  putAlerts(alerts: readonly Alert[]): Promise<number>;
  /** The alerts of these ids, in the order asked; ids not kept are skipped. */
  getAlerts(ids: readonly string[]): Promise<Alert[]>;
  /**
   * The labels of getAlerts(ids), no more: what inhibition reads of every firing alert at each dispatch,
   * which the memory store answers without reading the alerts whole.
   */
  alertLabels(ids: readonly string[]): Promise<Alert['labels'][]>;
}

/** What pruning the alert log dropped. */
export type AlertLogPrune = Pick<AlertPrune, 'groupAlerts' | 'groups' | 'alerts'>;

export class RedisAlertLog implements AlertLogStore {
  /**
   * Whether the index of groups awaiting clearing was seen built: asked once per process, not at every
   * fetch. Should Redis lose its data after, every group written since goes through SET_GROUP, so the index
   * stays whole without being built again.
   */
  private awaitingBuilt = false;

  constructor(
    private readonly client: RedisClient,
    private readonly keys: StoreKeys,
    private readonly retention: Retention,
  ) {}

  getAlertGroup(key: string): Promise<AlertGroupRecord | undefined> {
    return op(
      'getAlertGroup',
      async () => (await getJson<StoredGroup>(this.client, this.keys.alertGroups, key))?.group,
    );
  }

  updateAlertGroup(key: string, receiver: string, update: GroupUpdate): Promise<AlertGroupRecord | undefined> {
    return op('updateAlertGroup', async () => {
      for (let i = 0; i < GROUP_CAS_TRIES; i++) {
        const json = await this.client.hget(this.keys.alertGroups, key);
        const next = update(
          json === null ? undefined : parseJson<StoredGroup>(json, `${this.keys.alertGroups} ${key}`).group,
        );
        if (!next) return undefined;
        checkGroup(key, next);
        const written = JSON.stringify({ receiver, group: next } satisfies StoredGroup);
        const awaiting = awaitsClearing(next) ? '1' : '0';
        const keys = [this.keys.alertGroups, this.keys.alertGroupsAwaiting];
        if ((await SET_GROUP.run(this.client, keys, [key, json ?? '', written, awaiting])) === 1)
          return parseJson<StoredGroup>(written, key).group;
      }
      throw new StoreError(`alert group ${key} kept changing under ${GROUP_CAS_TRIES} tries to update it`);
    });
  }

  alertGroups(): Promise<GroupEntry[]> {
    return op('alertGroups', async () => {
      const all = await allJson<StoredGroup>(this.client, this.keys.alertGroups);
      return all
        .sort(([a], [b]) => compareCodePoints(a, b))
        .map(([key, { receiver, group }]) => ({ key, receiver, group }));
    });
  }

  alertGroupsAwaitingClearing(): Promise<GroupEntry[]> {
    return op('alertGroupsAwaitingClearing', async () => {
      const k = this.keys;
      // A store written before the index: build it once from every group. Adding only, so a group that a
      // writer changes meanwhile is at worst listed once more than it need be (and read for nothing).
      if (!this.awaitingBuilt && !(await this.client.exists(k.alertGroupsAwaitingBuilt))) {
        const awaiting = (await this.alertGroups()).filter((e) => awaitsClearing(e.group)).map((e) => e.key);
        if (awaiting.length) await this.client.sadd(k.alertGroupsAwaiting, ...awaiting);
        await this.client.set(k.alertGroupsAwaitingBuilt, '1');
      }
      this.awaitingBuilt = true;
      const out: GroupEntry[] = [];
      for (const batch of chunks((await this.client.smembers(k.alertGroupsAwaiting)).sort(compareCodePoints))) {
        const records = await this.client.hmget(k.alertGroups, ...batch);
        records.forEach((json, i) => {
          if (json === null) return;
          const { receiver, group } = parseJson<StoredGroup>(json, `${k.alertGroups} ${batch[i]!}`);
          out.push({ key: batch[i]!, receiver, group });
        });
      }
      return out;
    });
  }

  putAlerts(alerts: readonly Alert[]): Promise<number> {
    return op('putAlerts', () => {
      checkAlerts(alerts);
      return putNewAlerts(this.client, this.keys, alerts);
    });
  }

  getAlerts(ids: readonly string[]): Promise<Alert[]> {
    return op('getAlerts', async () => {
      const out: Alert[] = [];
      for (const batch of chunks(ids)) {
        const records = await this.client.hmget(this.keys.alerts, ...batch);
        for (const json of records) if (json !== null) out.push(parseJson<Alert>(json, this.keys.alerts));
      }
      return out;
    });
  }

  /**
   * From the labels kept beside each alert (a few dozen bytes, where an alert is a kilobyte or more); an
   * alert kept before they were is read whole.
   */
  alertLabels(ids: readonly string[]): Promise<Alert['labels'][]> {
    return op('alertLabels', async () => {
      const found = new Map<string, Alert['labels']>();
      const unlabelled: string[] = [];
      for (const batch of chunks([...new Set(ids)])) {
        const records = await this.client.hmget(this.keys.alertLabels, ...batch);
        records.forEach((json, i) => {
          if (json === null) unlabelled.push(batch[i]!);
          else found.set(batch[i]!, parseJson<Alert['labels']>(json, this.keys.alertLabels));
        });
      }
      for (const a of await this.getAlerts(unlabelled)) found.set(a.id, a.labels);
      return ids.flatMap((id) => {
        const labels = found.get(id);
        return labels ? [labels] : [];
      });
    });
  }

  /**
   * Forget, as of `now`, from each group the alerts that stopped firing and were last raised before
   * now − alertTtlMs (the group when none is left), then each alert last raised before then that no group
   * holds. Each group by compare-and-set on the JSON read, so an alert a dispatch adds (or raises again)
   * meanwhile is never lost: a group written in between is left as it is, for the next prune.
   */
  async prune(now: number, stoppedAt: StoppedAt): Promise<AlertLogPrune> {
    checkTime('pruneAlerts: now', now);
    const k = this.keys;
    const before = now - this.retention.alertTtlMs;
    const out: AlertLogPrune = { groupAlerts: 0, groups: 0, alerts: 0 };
    for (const [key, json] of Object.entries(await this.client.hgetall(k.alertGroups))) {
      const stored = parseJson<StoredGroup>(json, `${k.alertGroups} ${key}`);
      const stopped = stoppedBefore(stored.group, before, stoppedAt);
      if (!stopped.length) continue;
      const scores = await this.client.zmscore(k.alertsByTime, ...stopped);
      const raised = new Map(stopped.map((id, i) => [id, scores[i]]));
      const kept = withoutStale(stored.group, before, stoppedAt, (id) => {
        const score = raised.get(id);
        return typeof score === 'string' ? Number(score) : undefined;
      });
      if (!kept) continue;
      const forgotten = stored.group.alerts.filter((a) => !kept.alerts.includes(a)).map((a) => a.id);
      const next = kept.alerts.length ? JSON.stringify({ ...stored, group: kept } satisfies StoredGroup) : '';
      if (
        (await PRUNE_GROUP.run(
          this.client,
          [k.alertGroups, k.alertsByTime, k.alertGroupsAwaiting],
          [key, json, next, before, ...forgotten],
        )) !== 1
      )
        continue;
      out.groupAlerts += stored.group.alerts.length - kept.alerts.length;
      if (!kept.alerts.length) out.groups++;
    }
    out.alerts = (await PURGE_ALERTS.run(
      this.client,
      [k.alerts, k.alertsByTime, k.alertGroups, k.alertLabels],
      [before],
    )) as number;
    return out;
  }
}

export class MemoryAlertLog implements AlertLogStore {
  private readonly groups = new Map<string, string>();
  private readonly alerts = new Map<string, string>();
  /** Alert id → its labels' JSON, kept and dropped with the alert. */
  private readonly labels = new Map<string, string>();
  /** Alert id → when it was last raised (its latest startsAt). */
  private readonly raised = new Map<string, number>();

  constructor(private readonly retention: Retention) {}

  getAlertGroup(key: string): Promise<AlertGroupRecord | undefined> {
    return settle(() => read<StoredGroup>(this.groups, key)?.group);
  }

  updateAlertGroup(key: string, receiver: string, update: GroupUpdate): Promise<AlertGroupRecord | undefined> {
    return settle(() => {
      // One synchronous step: nothing can write the group in between.
      const next = update(read<StoredGroup>(this.groups, key)?.group);
      if (!next) return undefined;
      checkGroup(key, next);
      const written = JSON.stringify({ receiver, group: next } satisfies StoredGroup);
      this.groups.set(key, written);
      // A copy of what was written, from the same text: the caller's `next` stays its own.
      return parseJson<StoredGroup>(written, key).group;
    });
  }

  alertGroups(): Promise<GroupEntry[]> {
    return settle(() =>
      readAll<StoredGroup>(this.groups).map(([key, { receiver, group }]) => ({ key, receiver, group })),
    );
  }

  /** Filtered from every group: a memory store holds what one test or backtest raised. */
  async alertGroupsAwaitingClearing(): Promise<GroupEntry[]> {
    return (await this.alertGroups()).filter((e) => awaitsClearing(e.group));
  }

  putAlerts(alerts: readonly Alert[]): Promise<number> {
    return settle(() => {
      checkAlerts(alerts);
      for (const a of alerts) this.raised.set(a.id, Math.max(a.startsAt, this.raised.get(a.id) ?? -Infinity));
      // First write wins for the labels as for the alert (setNewInMemory), an id repeated in the call too.
      for (const a of alerts) if (!this.labels.has(a.id)) this.labels.set(a.id, JSON.stringify(a.labels));
      return setNewInMemory(this.alerts, alerts);
    });
  }

  getAlerts(ids: readonly string[]): Promise<Alert[]> {
    return settle(() => ids.flatMap((id) => read<Alert>(this.alerts, id) ?? []));
  }

  alertLabels(ids: readonly string[]): Promise<Alert['labels'][]> {
    return settle(() => {
      const out: Alert['labels'][] = [];
      for (const id of ids) {
        const labels = read<Alert['labels']>(this.labels, id);
        if (labels) out.push(labels);
      }
      return out;
    });
  }

  /** Whether a group is kept under `key`: a send-log outlives its group only so long. */
  hasGroup(key: string): boolean {
    return this.groups.has(key);
  }

  /** As RedisAlertLog.prune. */
  prune(now: number, stoppedAt: StoppedAt): Promise<AlertLogPrune> {
    return settle(() => {
      checkTime('pruneAlerts: now', now);
      const before = now - this.retention.alertTtlMs;
      const out: AlertLogPrune = { groupAlerts: 0, groups: 0, alerts: 0 };
      const held = new Set<string>();
      for (const [key, json] of [...this.groups]) {
        const stored = parseJson<StoredGroup>(json, key);
        const kept = withoutStale(stored.group, before, stoppedAt, (id) => this.raised.get(id));
        if (kept) {
          out.groupAlerts += stored.group.alerts.length - kept.alerts.length;
          if (kept.alerts.length)
            this.groups.set(key, JSON.stringify({ ...stored, group: kept } satisfies StoredGroup));
          else if (this.groups.delete(key)) out.groups++;
        }
        for (const a of (kept ?? stored.group).alerts) held.add(a.id);
      }
      for (const [id, raised] of [...this.raised]) {
        if (raised < before && !held.has(id)) {
          this.raised.delete(id);
          this.alerts.delete(id);
          this.labels.delete(id);
          out.alerts++;
        }
      }
      return out;
    });
  }
}

/** PUT_ALERTS in calls of BATCH alerts (each call is atomic); how many were new. */
async function putNewAlerts(client: RedisClient, keys: StoreKeys, alerts: readonly Alert[]): Promise<number> {
  let added = 0;
  for (const batch of chunks(alerts)) {
    const args = batch.flatMap((a) => [a.id, a.startsAt, JSON.stringify(a), JSON.stringify(a.labels)]);
    added += (await PUT_ALERTS.run(client, [keys.alerts, keys.alertsByTime, keys.alertLabels], args)) as number;
  }
  return added;
}
