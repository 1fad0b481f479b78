import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { killAll, logsWith, signalAndWait, spawnWorker, type WorkerProcess } from './helpers/processes.js';
import { deleteUnder, randomPrefix, REDIS_URL, until } from './helpers/redis.js';
import { makeWatchbookDir, type WatchbookDir } from './helpers/watchbook.js';

// While Redis is away every connection of a worker (the shared client, each BullMQ worker's blocking
// connection, each queue) fails and retries: that once logged a "Worker error" per attempt and printed a
// stack trace to stderr per queue per attempt. Now it is one `Redis unreachable` line, then one `Redis
// reachable again`. Redis is taken away by a proxy in front of it that resets every connection (as a
// closed port refuses them), so the test can wait for a number of reconnect attempts instead of a time.

/** A TCP proxy to Redis that can be switched to reset every connection, and back. */
async function startSwitchProxy(
  target: string,
): Promise<{ url: string; refused(): number; refuse(): void; forward(): void; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  let refusing = false;
  let refused = 0;
  const server: Server = createServer((client) => {
    if (refusing) {
      refused++;
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection({ host: hostname, port: Number(port || 6379) });
    open.add(client).add(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy: no port');
  return {
    url: `redis://127.0.0.1:${address.port}`,
    refused: () => refused,
    refuse: () => {
      refusing = true;
      for (const s of open) s.resetAndDestroy();
    },
    forward: () => {
      refusing = false;
    },
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('a worker while Redis is away', () => {
  it('logs one structured line when Redis goes away and one when it is back, not one per retry', async () => {
    const prefix = randomPrefix();
    const book: WatchbookDir = makeWatchbookDir([{ id: 'idle', url: 'http://127.0.0.1:9/feed.xml', every: '1h' }]);
    const proxy = await startSwitchProxy(REDIS_URL);
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const w: WorkerProcess = spawnWorker('w', { config: book.dir, prefix, redisUrl: proxy.url });
    cleanup = async () => {
      await killAll([w]);
      await proxy.close();
      book.remove();
      await deleteUnder(redis, prefix);
      redis.disconnect();
    };
    const alive = () =>
      w.exited() ? `exited ${JSON.stringify(w.exited())}` : `running, ${proxy.refused()} connections refused`;

    await until('the worker to start', () => logsWith(w, 'Worker started')[0], 30_000, { describe: alive });
    const logsBefore = w.logs.length;
    const textBefore = w.text.length;

    proxy.refuse();
    // Every connection retries on its own: 60 refused attempts are many retries of each.
    await until('60 reconnect attempts refused', () => (proxy.refused() >= 60 ? true : undefined), 60_000, {
      describe: alive,
    });
    const during = w.logs.slice(logsBefore);
    const down = logsWith(w, 'Redis unreachable');
    expect(down).toHaveLength(1);
    expect(down[0]).toMatchObject({ level: 40, role: 'worker', redis: proxy.url });
    expect(String(down[0]!.reason)).toMatch(/ECONNRESET|Connection is closed|ECONNREFUSED/);
    expect(during.filter((l) => /error/i.test(String(l.msg)))).toEqual([]);
    expect(during.length, JSON.stringify(during.map((l) => l.msg))).toBeLessThanOrEqual(3);
    // Nothing unstructured: no stack traces, no library warnings.
    expect(w.text.slice(textBefore)).toEqual([]);

    proxy.forward();
    const back = await until('Redis reachable again', () => logsWith(w, 'Redis reachable again')[0], 30_000, {
      describe: alive,
    });
    expect(back).toMatchObject({ level: 30, role: 'worker', redis: proxy.url });
    expect(Number(back.down_ms)).toBeGreaterThan(0);
    expect(logsWith(w, 'Redis unreachable')).toHaveLength(1);

    expect(w.exited()).toBeUndefined();
    const exit = await signalAndWait(w, 'SIGTERM', 25_000);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(logsWith(w, 'Redis unreachable')).toHaveLength(1);
  }, 120_000);
});
