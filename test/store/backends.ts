// The two stores the contract runs against: RedisStore on real Redis under a random prefix (two
// connections, for races between workers), and MemoryStore.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { MemoryStore, RedisStore, type RedisStoreOptions, type Store } from '../../src/store/index.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface Backend {
  name: string;
  setup(): Promise<void>;
  /** A store and a peer on the same data: over a second connection for Redis, the same object in memory. */
  open(opts?: RedisStoreOptions): { store: Store; peer: Store };
  /** Forget everything the stores of this backend wrote. */
  reset(): Promise<void>;
  teardown(): Promise<void>;
}

/** Deletes every key under `prefix`: SCAN is fine here, in cleanup, never in the store itself. */
export async function deleteUnder(client: Redis, prefix: string): Promise<void> {
  const keys = await scanUnder(client, prefix);
  if (keys.length > 0) await client.unlink(...keys);
}

export async function scanUnder(client: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return [...new Set(found)];
}

export function randomPrefix(): string {
  return `{test-${randomBytes(6).toString('hex')}}`;
}

export function redisBackend(prefix = randomPrefix()): Backend & { clients(): [Redis, Redis]; prefix: string } {
  let a: Redis | undefined;
  let b: Redis | undefined;
  const clients = (): [Redis, Redis] => {
    if (!a || !b) throw new Error('redisBackend: setup() has not run');
    return [a, b];
  };
  return {
    name: 'RedisStore',
    prefix,
    clients,
    async setup() {
      a = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      b = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      await Promise.all([a.ping(), b.ping()]);
    },
    open(opts = {}) {
      const [x, y] = clients();
      return { store: new RedisStore(x, { ...opts, prefix }), peer: new RedisStore(y, { ...opts, prefix }) };
    },
    reset: () => deleteUnder(clients()[0], prefix),
    async teardown() {
      if (!a || !b) return;
      await deleteUnder(a, prefix);
      await Promise.all([a.quit(), b.quit()]);
    },
  };
}

export function memoryBackend(): Backend {
  return {
    name: 'MemoryStore',
    setup: () => Promise.resolve(),
    open(opts = {}) {
      const store = new MemoryStore(opts);
      return { store, peer: store };
    },
    reset: () => Promise.resolve(),
    teardown: () => Promise.resolve(),
  };
}
