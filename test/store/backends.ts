// The two stores the contract runs against: RedisStore on real Redis under a random prefix (two
// connections, for races between workers), and MemoryStore.
import { randomBytes } from 'node:crypto';
import type { RedisConnection } from '../../src/queue/index.js';
import { MemoryStore, RedisStore, type RedisStoreOptions, type Store } from '../../src/store/index.js';
import { scanKeys, testRedis } from '../helpers/redis.js';

export { REDIS_URL } from '../helpers/redis.js';

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
export async function deleteUnder(client: RedisConnection, prefix: string): Promise<void> {
  const keys = await scanUnder(client, prefix);
  if (keys.length > 0) await client.unlink(...keys);
}

/** Every key under `prefix`, on every master of a cluster. */
export function scanUnder(client: RedisConnection, prefix: string): Promise<string[]> {
  return scanKeys(client, `${prefix}:*`);
}

export function randomPrefix(): string {
  return `{test-${randomBytes(6).toString('hex')}}`;
}

export function redisBackend(
  prefix = randomPrefix(),
): Backend & { clients(): [RedisConnection, RedisConnection]; prefix: string } {
  let a: RedisConnection | undefined;
  let b: RedisConnection | undefined;
  const clients = (): [RedisConnection, RedisConnection] => {
    if (!a || !b) throw new Error('redisBackend: setup() has not run');
    return [a, b];
  };
  return {
    name: 'RedisStore',
    prefix,
    clients,
    async setup() {
      a = testRedis();
      b = testRedis();
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
