// REDIS_URL=redis+sentinel://... on a real Sentinel: a redis-server of the test's own on a free loopback port,
// and a Sentinel (redis-server --sentinel) watching it under a name. connectRedis finds the master through
// the Sentinel; a name the Sentinel does not know is a clear start-up error.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, RedisUnavailableError } from '../../src/queue/index.js';
import { closedPort } from '../helpers/server.js';

const MASTER_NAME = 'signpost-test';

let dir: string;
let master: { port: number; child: ChildProcess };
let sentinel: { port: number; child: ChildProcess };

/** redis-server with `args`, once it answers PING (at most 10 s). */
async function startServer(args: string[]): Promise<{ port: number; child: ChildProcess }> {
  const port = await closedPort();
  const child = spawn('redis-server', [...args, '--port', String(port), '--bind', '127.0.0.1'], { stdio: 'ignore' });
  const probe = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  }).on('error', () => {});
  try {
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`redis-server ${args.join(' ')} on ${port} exited with ${child.exitCode}`);
      try {
        if (probe.status !== 'ready') await probe.connect();
        if ((await probe.ping()) === 'PONG') return { port, child };
      } catch {
        probe.disconnect();
        if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not answer within 10 s`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  } finally {
    probe.disconnect();
  }
}

async function stopServer(server: { child: ChildProcess } | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'signpost-sentinel-'));
  master = await startServer(['--dir', dir, '--save', '', '--appendonly', 'no']);
  // Sentinel rewrites its configuration file, so it gets one of its own; a failover is not wanted here.
  const conf = join(dir, 'sentinel.conf');
  writeFileSync(
    conf,
    `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${master.port} 1\nsentinel down-after-milliseconds ${MASTER_NAME} 60000\n`,
  );
  sentinel = await startServer([conf, '--sentinel', '--dir', dir]);
}, 30_000);

afterAll(async () => {
  await Promise.all([stopServer(sentinel), stopServer(master)]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('REDIS_URL naming Sentinels', () => {
  it('connects to the master the Sentinels watch under that name', async () => {
    const client = await connectRedis(`redis+sentinel://127.0.0.1:${sentinel.port}/${MASTER_NAME}/2`);
    const direct = new Redis({ port: master.port, host: '127.0.0.1', db: 2, maxRetriesPerRequest: 1 });
    try {
      await client.set('{signpost}:probe', 'through the sentinel');
      expect(await direct.get('{signpost}:probe')).toBe('through the sentinel');
    } finally {
      client.disconnect();
      direct.disconnect();
    }
  });

  it('refuses to start when the Sentinels know no master by that name, naming the URL', async () => {
    const url = `redis+sentinel://:s3cret@127.0.0.1:${sentinel.port}/no-such-master`;
    const err: unknown = await connectRedis(url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisUnavailableError);
    expect((err as Error).message).toContain(
      `cannot reach Redis at redis+sentinel://:***@127.0.0.1:${sentinel.port}/no-such-master`,
    );
    expect((err as Error).message).not.toContain('s3cret');
  }, 20_000);
});
