// A redis-server of the scenario's own, on a free loopback port, for faults the shared Redis (6379, used
// by other tests) must never see: restarts, flushes, a full memory. Stopped and its folder removed in
// cleanup.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { closedPort } from '../../test/helpers/server.js';
import { reap } from './reaper.js';
import { sleep } from './tally.js';

export interface OwnRedis {
  port: number;
  url: string;
  dir: string;
  /** A client for the scenario's own checks (reconnects across restarts). */
  client: Redis;
  /** Start (again) with the same port, folder and arguments. */
  start(): Promise<void>;
  /** SIGTERM (a clean shutdown: an append-only file is flushed) and wait for the exit. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** `extra`: arguments after the port, e.g. ['--appendonly', 'yes']. Persistence is off unless asked for. */
export async function startOwnRedis(extra: readonly string[] = []): Promise<OwnRedis> {
  const port = await closedPort();
  const dir = mkdtempSync(join(tmpdir(), 'signpost-reliability-redis-'));
  let child: ChildProcess | undefined;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
    ...extra,
  ];
  const start = async (): Promise<void> => {
    const c = reap(spawn('redis-server', args, { stdio: 'ignore' }));
    child = c;
    const probe = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => {});
    try {
      for (let i = 0; ; i++) {
        if (c.exitCode !== null) throw new Error(`redis-server on ${port} exited with ${c.exitCode}`);
        try {
          if (probe.status !== 'ready') await probe.connect();
          // A server still loading its append-only file answers LOADING; wait for a real PONG.
          if ((await probe.ping()) === 'PONG') return;
        } catch {
          probe.disconnect();
          if (i > 200) throw new Error(`redis-server on ${port} did not answer within 10 s`);
          await sleep(50);
        }
      }
    } finally {
      probe.disconnect();
    }
  };
  const stop = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  await start();
  // Errors while the server is down are expected: the commands that meet them fail, and that is enough.
  const client = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, retryStrategy: () => 200 }).on(
    'error',
    () => {},
  );
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    client,
    start,
    stop,
    close: async () => {
      client.disconnect();
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
