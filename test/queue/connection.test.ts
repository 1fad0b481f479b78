// Which errors say that Redis cannot be reached (RedisState logs those once per outage), taken from real
// clients: a cluster client whose nodes are all closed ports, and a server refusing a command.
import { Cluster } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { isConnectionError } from '../../src/queue/index.js';
import { closedPort } from '../helpers/server.js';
import { testRedis } from '../helpers/redis.js';

describe('isConnectionError', () => {
  it('takes a cluster no node of which answers as unreachable, both as its event and as its failed connect', async () => {
    const ports = [await closedPort(), await closedPort()];
    const cluster = new Cluster(
      ports.map((port) => ({ host: '127.0.0.1', port })),
      { lazyConnect: true, clusterRetryStrategy: () => null },
    );
    const events: Error[] = [];
    cluster.on('error', (err: Error) => events.push(err));
    const rejected: unknown = await cluster.connect().catch((err: unknown) => err);
    cluster.disconnect();
    expect(events.map((e) => e.name)).toContain('ClusterAllFailedError');
    for (const err of [...events, rejected]) expect(isConnectionError(err), String(err)).toBe(true);
  });

  it('does not take a command Redis refused for one', async () => {
    const redis = testRedis();
    try {
      const err: unknown = await redis
        .eval("return redis.error_reply('WRONGTYPE not a hash')", 0)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(isConnectionError(err)).toBe(false);
    } finally {
      redis.disconnect();
    }
  });
});
