// Runtime silences (added with `silence add`, expired by hand or by time), kept by id; and their retention:
// one that ended more than alertTtlMs ago is forgotten, as Alertmanager forgets expired silences.
import { checkTime, parseJson, StoreError } from './errors.js';
import type { StoreKeys } from './keys.js';
import { read, settle } from './memory-base.js';
import type { Retention } from './options.js';
import { bySilenceAge, checkSilence, expiredSilence, type SilenceRecord } from './records.js';
import { allJson, op } from './redis-base.js';
import { COMPARE_AND_SET, type RedisClient } from './scripts.js';

/** Tries of expireSilence's compare-and-set before it gives up: only a storm of writes to one silence loses them all. */
const CAS_TRIES = 16;

export interface SilenceStore {
  /** Keep a runtime silence; true when new. Idempotent by id: an id already kept is left as it is. */
  addSilence(silence: SilenceRecord): Promise<boolean>;
  /** Every runtime silence, expired ones included, oldest created first (ties by id). */
  silences(): Promise<SilenceRecord[]>;
  /**
   * Expire a silence at `now`: an active one ends at `now`, a pending one starts and ends at `now` (so it
   * reads as expired, not pending), an expired one is left as it is. True when the silence is known (and
   * now expired), false when it is not.
   */
  expireSilence(id: string, now: number): Promise<boolean>;
}

export class RedisSilences implements SilenceStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: StoreKeys,
    private readonly retention: Retention,
  ) {}

  addSilence(silence: SilenceRecord): Promise<boolean> {
    return op('addSilence', async () => {
      checkSilence(silence);
      return (await this.client.hsetnx(this.keys.silences, silence.id, JSON.stringify(silence))) === 1;
    });
  }

  silences(): Promise<SilenceRecord[]> {
    return op('silences', async () =>
      (await allJson<SilenceRecord>(this.client, this.keys.silences)).map(([, s]) => s).sort(bySilenceAge),
    );
  }

  expireSilence(id: string, now: number): Promise<boolean> {
    return op('expireSilence', async () => {
      checkTime('expireSilence: now', now);
      // Compare-and-set on the JSON read: the change is computed here (as MemorySilences computes it), and
      // written only if nobody wrote the silence in between; else read again.
      for (let i = 0; i < CAS_TRIES; i++) {
        const json = await this.client.hget(this.keys.silences, id);
        if (json === null) return false;
        const expired = expiredSilence(parseJson<SilenceRecord>(json, `${this.keys.silences} ${id}`), now);
        if (!expired) return true;
        if ((await COMPARE_AND_SET.run(this.client, [this.keys.silences], [id, json, JSON.stringify(expired)])) === 1)
          return true;
      }
      throw new StoreError(`silence ${id} kept changing under ${CAS_TRIES} tries to expire it`);
    });
  }

  /**
   * Forget the silences that ended (or were expired) before now − alertTtlMs; how many. Silences are few
   * (people add them by hand), so reading them all is cheap. Each goes only as read: one expired again
   * meanwhile is left for the next prune.
   */
  async prune(now: number): Promise<number> {
    checkTime('pruneAlerts: now', now);
    const before = now - this.retention.alertTtlMs;
    let removed = 0;
    for (const [id, json] of Object.entries(await this.client.hgetall(this.keys.silences))) {
      if (parseJson<SilenceRecord>(json, `${this.keys.silences} ${id}`).ends >= before) continue;
      removed += (await COMPARE_AND_SET.run(this.client, [this.keys.silences], [id, json, ''])) as number;
    }
    return removed;
  }
}

export class MemorySilences implements SilenceStore {
  private readonly silenceRecords = new Map<string, string>();

  constructor(private readonly retention: Retention) {}

  addSilence(silence: SilenceRecord): Promise<boolean> {
    return settle(() => {
      checkSilence(silence);
      if (this.silenceRecords.has(silence.id)) return false;
      this.silenceRecords.set(silence.id, JSON.stringify(silence));
      return true;
    });
  }

  silences(): Promise<SilenceRecord[]> {
    return settle(() =>
      [...this.silenceRecords.values()].map((json) => parseJson<SilenceRecord>(json, 'silences')).sort(bySilenceAge),
    );
  }

  expireSilence(id: string, now: number): Promise<boolean> {
    return settle(() => {
      checkTime('expireSilence: now', now);
      const silence = read<SilenceRecord>(this.silenceRecords, id);
      if (!silence) return false;
      const expired = expiredSilence(silence, now);
      if (expired) this.silenceRecords.set(id, JSON.stringify(expired));
      return true;
    });
  }

  /** As RedisSilences.prune. */
  prune(now: number): Promise<number> {
    return settle(() => {
      checkTime('pruneAlerts: now', now);
      const before = now - this.retention.alertTtlMs;
      let removed = 0;
      for (const [id, json] of [...this.silenceRecords]) {
        if (parseJson<SilenceRecord>(json, 'silences').ends < before && this.silenceRecords.delete(id)) removed++;
      }
      return removed;
    });
  }
}
