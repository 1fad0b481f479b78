// Digests: the alerts waiting for each receiver's next digest (taken whole, each by exactly one worker),
// and where each receiver's last digest left off. A digest clears what it takes, so nothing else expires.
import type { Alert } from '../model/alert.js';
import { parseJson } from './errors.js';
import { digestAlertsKey, type StoreKeys } from './keys.js';
import { read, setNewAlerts as setNewInMemory, settle } from './memory-base.js';
import { byAlertStart, checkAlerts, checkDigestMark, type DigestMark } from './records.js';
import { exec, getJson, op, setNewAlerts } from './redis-base.js';
import type { RedisClient } from './scripts.js';

export interface DigestStore {
  /**
   * Add alerts to `receiver`'s next digest, whole (a digest keeps what it needs itself); returns how many
   * were new. Deduplicated by id among the waiting alerts, first write wins; an alert taken by a digest
   * already counts as new again.
   */
  appendDigestAlerts(receiver: string, alerts: readonly Alert[]): Promise<number>;
  /**
   * The alerts waiting for `receiver`'s digest, by startsAt then id, cleared in the same atomic step:
   * of workers taking at once, each alert goes to exactly one.
   */
  takeDigestAlerts(receiver: string): Promise<Alert[]>;
  /** The alerts waiting for `receiver`'s digest, as takeDigestAlerts orders them, left waiting. */
  peekDigestAlerts(receiver: string): Promise<Alert[]>;
  /** Where `receiver`'s last digest left off, or undefined before its first. */
  getDigestMark(receiver: string): Promise<DigestMark | undefined>;
  setDigestMark(receiver: string, mark: DigestMark): Promise<void>;
}

export class RedisDigests implements DigestStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: StoreKeys,
  ) {}

  appendDigestAlerts(receiver: string, alerts: readonly Alert[]): Promise<number> {
    return op('appendDigestAlerts', () => {
      checkAlerts(alerts);
      return setNewAlerts(this.client, digestAlertsKey(this.keys, receiver), alerts);
    });
  }

  takeDigestAlerts(receiver: string): Promise<Alert[]> {
    return op('takeDigestAlerts', async () => {
      const key = digestAlertsKey(this.keys, receiver);
      // Read and delete in one MULTI: a worker taking at the same time finds the key gone.
      const [all] = await exec(this.client.multi().hgetall(key).del(key));
      return sorted(Object.values(all as Record<string, string>), key);
    });
  }

  peekDigestAlerts(receiver: string): Promise<Alert[]> {
    return op('peekDigestAlerts', async () => {
      const key = digestAlertsKey(this.keys, receiver);
      return sorted(Object.values(await this.client.hgetall(key)), key);
    });
  }

  getDigestMark(receiver: string): Promise<DigestMark | undefined> {
    return op('getDigestMark', () => getJson<DigestMark>(this.client, this.keys.digestMarks, receiver));
  }

  setDigestMark(receiver: string, mark: DigestMark): Promise<void> {
    return op('setDigestMark', async () => {
      checkDigestMark(receiver, mark);
      await this.client.hset(this.keys.digestMarks, receiver, JSON.stringify(mark));
    });
  }
}

export class MemoryDigests implements DigestStore {
  /** Receiver → alert id → Alert JSON. */
  private readonly waiting = new Map<string, Map<string, string>>();
  private readonly marks = new Map<string, string>();

  appendDigestAlerts(receiver: string, alerts: readonly Alert[]): Promise<number> {
    return settle(() => {
      checkAlerts(alerts);
      if (alerts.length === 0) return 0;
      const waiting = this.waiting.get(receiver) ?? new Map<string, string>();
      this.waiting.set(receiver, waiting);
      return setNewInMemory(waiting, alerts);
    });
  }

  takeDigestAlerts(receiver: string): Promise<Alert[]> {
    return settle(() => {
      const waiting = this.waiting.get(receiver);
      this.waiting.delete(receiver);
      return sorted([...(waiting?.values() ?? [])], 'digest alerts');
    });
  }

  peekDigestAlerts(receiver: string): Promise<Alert[]> {
    return settle(() => sorted([...(this.waiting.get(receiver)?.values() ?? [])], 'digest alerts'));
  }

  getDigestMark(receiver: string): Promise<DigestMark | undefined> {
    return settle(() => read<DigestMark>(this.marks, receiver));
  }

  setDigestMark(receiver: string, mark: DigestMark): Promise<void> {
    return settle(() => {
      checkDigestMark(receiver, mark);
      this.marks.set(receiver, JSON.stringify(mark));
    });
  }
}

function sorted(json: string[], where: string): Alert[] {
  return json.map((text) => parseJson<Alert>(text, where)).sort(byAlertStart);
}
