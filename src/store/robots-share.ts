// The robots.txt every worker process has read, one string key per origin that expires with what it holds
// (fetch/robots.ts writes and reads the values): a host is asked once per expiry for all processes.
import { normalizePrefix, robotsKey, storeKeys, type StoreKeys } from './keys.js';
import { op } from './redis-base.js';
import type { RedisClient } from './scripts.js';

export class RobotsShareStore {
  private readonly keys: StoreKeys;

  constructor(
    private readonly client: RedisClient,
    opts: { prefix?: string } = {},
  ) {
    this.keys = storeKeys(normalizePrefix(opts.prefix));
  }

  get(origin: string): Promise<string | undefined> {
    return op('robots get', async () => (await this.client.get(robotsKey(this.keys, origin))) ?? undefined);
  }

  set(origin: string, value: string, ttlMs: number): Promise<void> {
    return op('robots set', async () => {
      await this.client.set(robotsKey(this.keys, origin), value, 'PX', Math.max(1, Math.ceil(ttlMs)));
    });
  }
}
