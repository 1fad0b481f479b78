// The tests' Redis: REDIS_URL (one server by default, or a cluster: redis+cluster://..., see
// scripts/redis-cluster.sh), clients made by the worker's own factory, and SCAN over every master of a
// cluster, since a cluster client sends a keyless command like SCAN to one node only.
import {
  createRedis,
  isCluster,
  parseRedisUrl,
  type ClientOptions,
  type RedisConnection,
} from '../../src/queue/index.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether the tests run on a Redis Cluster. */
export const ON_CLUSTER = parseRedisUrl(REDIS_URL).kind === 'cluster';

/** A client for REDIS_URL that fails a command after one reconnect attempt instead of waiting forever. */
export function testRedis(opts: ClientOptions = {}): RedisConnection {
  return createRedis(REDIS_URL, { maxRetriesPerRequest: 1, ...opts });
}

/** Every key matching `pattern` (SCAN MATCH), on each master of a cluster. */
export async function scanKeys(client: RedisConnection, pattern: string): Promise<string[]> {
  const found = new Set<string>();
  for (const node of isCluster(client) ? client.nodes('master') : [client]) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      for (const k of keys) found.add(k);
      cursor = next;
    } while (cursor !== '0');
  }
  return [...found];
}
