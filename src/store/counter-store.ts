// The pipeline counters as kept: one value per name and set of labels, added to by every worker process,
// and the events already counted (CountOnce), remembered for their ttl so a retried job counts nothing twice.
import { checkCounts, type CounterIncrement, type CounterValue, readCounters } from './records.js';
import { countedKey, type StoreKeys } from './keys.js';
import { settle } from './memory-base.js';
import { op } from './redis-base.js';
import { INCREMENT_COUNTERS, type RedisClient } from './scripts.js';

/**
 * Counting at the event, once: the counts of one event (a send recorded, a fetch done) are added by the first
 * call that names it; a retry that counts it again within `ttlMs` adds nothing.
 */
export interface CountOnce {
  event: string;
  ttlMs: number;
}

export interface CounterStore {
  /**
   * Add to pipeline counters (the metrics the web role exposes), all in one step. One counter per name and
   * set of labels (their order does not matter); an integer `by` adds exactly, a fractional one as a float
   * (a counter may take both). A `by` that is not finite is an error, and nothing is added.
   */
  incrementCounters(counts: readonly CounterIncrement[], once?: CountOnce): Promise<void>;
  /** Every counter with its value, by name, then by its encoded labels (keys.ts counterField, by code point). */
  counters(): Promise<CounterValue[]>;
}

export class RedisCounters implements CounterStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: StoreKeys,
  ) {}

  incrementCounters(counts: readonly CounterIncrement[], once?: CountOnce): Promise<void> {
    return op('incrementCounters', async () => {
      const args = checkCounts(counts).flatMap(([field, by]) => [field, String(by)]);
      if (!args.length) return;
      const keys = once ? [this.keys.counters, countedKey(this.keys, once.event)] : [this.keys.counters];
      await INCREMENT_COUNTERS.run(this.client, keys, [String(Math.max(1, Math.round(once?.ttlMs ?? 1))), ...args]);
    });
  }

  counters(): Promise<CounterValue[]> {
    return op('counters', async () => {
      const all = await this.client.hgetall(this.keys.counters);
      return readCounters(Object.entries(all).map(([field, value]) => [field, Number(value)]));
    });
  }
}

export class MemoryCounters implements CounterStore {
  /** counterField → value. */
  private readonly values = new Map<string, number>();
  /** Counted events (incrementCounters `once`) → until when they are remembered. */
  private readonly counted = new Map<string, number>();

  incrementCounters(counts: readonly CounterIncrement[], once?: CountOnce): Promise<void> {
    return settle(() => {
      // Checked whole before any is added, as the Redis script gets them all or none.
      const checked = checkCounts(counts);
      if (once && checked.length) {
        const until = this.counted.get(once.event);
        if (until !== undefined && until > Date.now()) return;
        if (this.counted.size >= 10_000)
          for (const [event, t] of this.counted) if (t <= Date.now()) this.counted.delete(event);
        this.counted.set(once.event, Date.now() + once.ttlMs);
      }
      for (const [field, by] of checked) this.values.set(field, (this.values.get(field) ?? 0) + by);
    });
  }

  counters(): Promise<CounterValue[]> {
    return settle(() => readCounters([...this.values]));
  }
}
