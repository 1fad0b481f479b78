// What the worker knows of each source between polls: its health, its HTTP validators, when it is next
// due, and whether Redis lost that knowledge (the sentinel) and which sources must warm up after it.
import type { SourceHealth, Validators } from '../model/source-health.js';
import { checkBound, checkTime } from './errors.js';
import type { StoreKeys } from './keys.js';
import { ascending, read, readAll, type Scored, settle, take } from './memory-base.js';
import { limitCount } from './options.js';
import { compareCodePoints } from './order.js';
import { allJson, exec, getJson, op, pairs } from './redis-base.js';
import { type RedisClient, RECOVER_LOST_DATA, WARM_UP } from './scripts.js';
import type { MemorySeen } from './seen.js';

export interface SourceStore {
  getHealth(source: string): Promise<SourceHealth | undefined>;
  setHealth(health: SourceHealth): Promise<void>;
  /** Every source's health, by source. */
  allHealth(): Promise<SourceHealth[]>;
  getValidators(source: string): Promise<Validators | undefined>;
  setValidators(source: string, validators: Validators): Promise<void>;

  /** The fetch schedule: when each source is next due. */
  schedule(source: string, at: number): Promise<void>;
  /**
   * Move a scheduled source's next check, in one step; a source no longer scheduled stays so (a reload
   * dropped it while its fetch ran: the fetch must not bring it back).
   */
  reschedule(source: string, at: number): Promise<void>;
  unschedule(source: string): Promise<void>;
  /** Sources due at `now` (next check ≤ now) with their due times, earliest first, at most `limit`. */
  dueSchedule(now: number, limit: number): Promise<{ source: string; at: number }[]>;
  scheduled(): Promise<Record<string, number>>;

  // Redis losing its data while workers run (a restart without persistence, a flush, a failover to an
  // empty replica): the schedule goes, and with it all polling, and the seen-set, so old items would come
  // back as new. A sentinel, written when a worker starts, tells: its absence means the data is gone.

  /** Write the sentinel at `now` unless it is there; true when it was written (a store new to workers). */
  markStarted(now: number): Promise<boolean>;
  /** In one cheap step (each tick asks): whether the sentinel is there, and how many sources are scheduled. */
  scheduleCheck(): Promise<{ sentinel: boolean; scheduled: number }>;
  /**
   * After the data was lost: when the sentinel is missing, write it and mark each of `sources` to warm up
   * on its next poll, in one atomic step; true for the one caller that did (of workers racing, exactly one).
   */
  recoverLostData(sources: readonly string[], now: number): Promise<boolean>;
  /**
   * A poll of `source` brought `keys`: when the source is marked to warm up (the mark is dropped), or the
   * sentinel is missing (the data was lost under a fetch in flight, before a tick noticed), mark the keys
   * seen at `now`, in one atomic step, and answer true (the caller scores nothing); else false, and nothing
   * is written.
   */
  warmUp(source: string, keys: readonly string[], now: number): Promise<boolean>;
}

export class RedisSourceState implements SourceStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: StoreKeys,
  ) {}

  getHealth(source: string): Promise<SourceHealth | undefined> {
    return op('getHealth', () => getJson<SourceHealth>(this.client, this.keys.health, source));
  }

  setHealth(health: SourceHealth): Promise<void> {
    return op(
      'setHealth',
      async () => void (await this.client.hset(this.keys.health, health.source, JSON.stringify(health))),
    );
  }

  allHealth(): Promise<SourceHealth[]> {
    return op('allHealth', async () => {
      const all = await allJson<SourceHealth>(this.client, this.keys.health);
      return all.sort(([a], [b]) => compareCodePoints(a, b)).map(([, health]) => health);
    });
  }

  getValidators(source: string): Promise<Validators | undefined> {
    return op('getValidators', () => getJson<Validators>(this.client, this.keys.validators, source));
  }

  setValidators(source: string, validators: Validators): Promise<void> {
    return op(
      'setValidators',
      async () => void (await this.client.hset(this.keys.validators, source, JSON.stringify(validators))),
    );
  }

  schedule(source: string, at: number): Promise<void> {
    return op('schedule', async () => {
      checkTime(`schedule ${source}: at`, at);
      await this.client.zadd(this.keys.schedule, at, source);
    });
  }

  reschedule(source: string, at: number): Promise<void> {
    return op('reschedule', async () => {
      checkTime(`reschedule ${source}: at`, at);
      await this.client.zadd(this.keys.schedule, 'XX', at, source);
    });
  }

  unschedule(source: string): Promise<void> {
    return op('unschedule', async () => void (await this.client.zrem(this.keys.schedule, source)));
  }

  dueSchedule(now: number, limit: number): Promise<{ source: string; at: number }[]> {
    return op('dueSchedule', async () => {
      checkBound('dueSchedule: now', now);
      const count = limitCount(limit);
      if (count === 0) return [];
      const found = pairs(
        await this.client.zrangebyscore(this.keys.schedule, '-inf', now, 'WITHSCORES', 'LIMIT', 0, count),
      );
      return found.map(([source, at]) => ({ source, at }));
    });
  }

  scheduled(): Promise<Record<string, number>> {
    return op('scheduled', async () =>
      Object.fromEntries(pairs(await this.client.zrange(this.keys.schedule, 0, -1, 'WITHSCORES'))),
    );
  }

  markStarted(now: number): Promise<boolean> {
    return op('markStarted', async () => {
      checkTime('markStarted: now', now);
      return (await this.client.set(this.keys.sentinel, String(now), 'NX')) === 'OK';
    });
  }

  scheduleCheck(): Promise<{ sentinel: boolean; scheduled: number }> {
    return op('scheduleCheck', async () => {
      const [sentinel, scheduled] = (await exec(
        this.client.multi().exists(this.keys.sentinel).zcard(this.keys.schedule),
      )) as [number, number];
      return { sentinel: sentinel === 1, scheduled };
    });
  }

  recoverLostData(sources: readonly string[], now: number): Promise<boolean> {
    return op('recoverLostData', async () => {
      checkTime('recoverLostData: now', now);
      return (
        (await RECOVER_LOST_DATA.run(this.client, [this.keys.sentinel, this.keys.warmUp], [now, ...sources])) === 1
      );
    });
  }

  warmUp(source: string, keys: readonly string[], now: number): Promise<boolean> {
    return op('warmUp', async () => {
      checkTime('warmUp: now', now);
      return (
        (await WARM_UP.run(
          this.client,
          [this.keys.warmUp, this.keys.seen, this.keys.sentinel],
          [source, now, ...keys],
        )) === 1
      );
    });
  }
}

export class MemorySourceState implements SourceStore {
  private readonly health = new Map<string, string>();
  private readonly validators = new Map<string, string>();
  private readonly due = new Map<string, number>();
  /** When a worker first found this store; undefined until then. */
  private sentinel: number | undefined;
  private readonly warming = new Set<string>();

  /** `seen`: the seen-set a warm-up marks keys in. */
  constructor(private readonly seen: MemorySeen) {}

  getHealth(source: string): Promise<SourceHealth | undefined> {
    return settle(() => read<SourceHealth>(this.health, source));
  }

  setHealth(health: SourceHealth): Promise<void> {
    return settle(() => void this.health.set(health.source, JSON.stringify(health)));
  }

  allHealth(): Promise<SourceHealth[]> {
    return settle(() => readAll<SourceHealth>(this.health).map(([, health]) => health));
  }

  getValidators(source: string): Promise<Validators | undefined> {
    return settle(() => read<Validators>(this.validators, source));
  }

  setValidators(source: string, validators: Validators): Promise<void> {
    return settle(() => void this.validators.set(source, JSON.stringify(validators)));
  }

  schedule(source: string, at: number): Promise<void> {
    return settle(() => {
      checkTime(`schedule ${source}: at`, at);
      this.due.set(source, at);
    });
  }

  reschedule(source: string, at: number): Promise<void> {
    return settle(() => {
      checkTime(`reschedule ${source}: at`, at);
      if (this.due.has(source)) this.due.set(source, at);
    });
  }

  unschedule(source: string): Promise<void> {
    return settle(() => void this.due.delete(source));
  }

  private schedules(): Scored[] {
    return [...this.due].map(([member, score]) => ({ member, score })).sort(ascending);
  }

  dueSchedule(now: number, limit: number): Promise<{ source: string; at: number }[]> {
    return settle(() => {
      checkBound('dueSchedule: now', now);
      const due = take(
        this.schedules().filter((s) => s.score <= now),
        limit,
      );
      return due.map((s) => ({ source: s.member, at: s.score }));
    });
  }

  scheduled(): Promise<Record<string, number>> {
    return settle(() => Object.fromEntries(this.schedules().map((s) => [s.member, s.score])));
  }

  markStarted(now: number): Promise<boolean> {
    return settle(() => {
      checkTime('markStarted: now', now);
      if (this.sentinel !== undefined) return false;
      this.sentinel = now;
      return true;
    });
  }

  scheduleCheck(): Promise<{ sentinel: boolean; scheduled: number }> {
    return settle(() => ({ sentinel: this.sentinel !== undefined, scheduled: this.due.size }));
  }

  recoverLostData(sources: readonly string[], now: number): Promise<boolean> {
    return settle(() => {
      checkTime('recoverLostData: now', now);
      if (this.sentinel !== undefined) return false;
      this.sentinel = now;
      for (const source of sources) this.warming.add(source);
      return true;
    });
  }

  warmUp(source: string, keys: readonly string[], now: number): Promise<boolean> {
    return settle(() => {
      checkTime('warmUp: now', now);
      if (!this.warming.delete(source) && this.sentinel !== undefined) return false;
      this.seen.touch(keys, now);
      return true;
    });
  }
}
