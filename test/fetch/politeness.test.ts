import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fetcher } from '../../src/fetch/fetcher.js';
import { HostQueue } from '../../src/fetch/politeness.js';
import { startServer, type TestServer } from '../helpers/server.js';

interface Visit {
  server: string;
  arrived: number;
  finished: number;
}

/** A server that takes `holdMs` to answer and records when each request arrived and finished. */
async function recordingServer(name: string, visits: Visit[], holdMs: number): Promise<TestServer> {
  let inFlight = 0;
  return startServer((_req, res) => {
    const arrived = performance.now();
    inFlight++;
    if (inFlight > 1) visits.push({ server: `${name}:OVERLAP`, arrived, finished: arrived });
    setTimeout(() => {
      inFlight--;
      res
        .writeHead(200, { 'content-type': 'text/plain' })
        .end('ok', () => visits.push({ server: name, arrived, finished: performance.now() }));
    }, holdMs);
  });
}

describe('per-host politeness against real servers', () => {
  const visits: Visit[] = [];
  let a: TestServer;
  let b: TestServer;
  beforeAll(async () => {
    a = await recordingServer('a', visits, 50);
    b = await recordingServer('b', visits, 50);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('sends one request at a time to a host, with the minimum delay between them, and does not hold up other hosts', async () => {
    const f = new Fetcher({ allow: 'loopback', minDelayMs: 200 });
    const started = performance.now();
    await Promise.all([
      ...[1, 2, 3].map((i) => f.fetch({ url: `${a.url}/${i}`, obeyRobots: false })),
      f.fetch({ url: `${b.url}/1`, obeyRobots: false }),
    ]);
    const onA = visits.filter((v) => v.server.startsWith('a')).sort((x, y) => x.arrived - y.arrived);
    const onB = visits.filter((v) => v.server.startsWith('b'));
    expect(visits.filter((v) => v.server.endsWith('OVERLAP'))).toEqual([]);
    expect(onA).toHaveLength(3);
    for (let i = 1; i < onA.length; i++) {
      const gap = (onA[i]?.arrived ?? 0) - (onA[i - 1]?.finished ?? 0);
      // Server-side stamps: the client's clock starts the pause a little after the server finished.
      expect(gap).toBeGreaterThanOrEqual(195);
    }
    // Host b was not queued behind host a.
    expect((onB[0]?.arrived ?? Infinity) - started).toBeLessThan(200);
  });
});

describe('HostQueue', () => {
  it('runs tasks for one host in order, never two at once', async () => {
    const q = new HostQueue({ minDelayMs: 0 });
    const log: string[] = [];
    let running = 0;
    const task = (name: string) => async (): Promise<string> => {
      running++;
      log.push(`${name}:start:${running}`);
      await new Promise((r) => setTimeout(r, 10));
      running--;
      log.push(`${name}:end`);
      return name;
    };
    const results = await Promise.all(['1', '2', '3'].map((n) => q.run('example.org', task(n))));
    expect(results).toEqual(['1', '2', '3']);
    expect(log).toEqual(['1:start:1', '1:end', '2:start:1', '2:end', '3:start:1', '3:end']);
  });

  it('waits the minimum delay after the previous request ended, on an injected clock', async () => {
    let now = 0;
    const slept: number[] = [];
    const q = new HostQueue({
      minDelayMs: 1000,
      now: () => now,
      sleep: (ms) => (slept.push(ms), (now += ms), Promise.resolve()),
    });
    await q.run('example.org', () => ((now += 300), Promise.resolve()));
    now += 200;
    await q.run('example.org', () => Promise.resolve());
    await q.run('EXAMPLE.org', () => Promise.resolve(), { minDelayMs: 5000 });
    expect(slept).toEqual([800, 5000]);
  });

  it('keeps going after a failed task, which still counts as a request', async () => {
    let now = 0;
    const slept: number[] = [];
    const q = new HostQueue({
      minDelayMs: 100,
      now: () => now,
      sleep: (ms) => (slept.push(ms), (now += ms), Promise.resolve()),
    });
    await expect(q.run('h', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(q.run('h', () => Promise.resolve('ok'))).resolves.toBe('ok');
    expect(slept).toEqual([100]);
  });

  it('does not make different hosts wait for each other', async () => {
    const q = new HostQueue({ minDelayMs: 10_000 });
    const started = Date.now();
    await q.run('a.example', async () => {});
    await q.run('b.example', async () => {});
    await q.run('c.example', async () => {});
    expect(Date.now() - started).toBeLessThan(500);
  });
});
