import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteUnder } from '../store/backends.js';
import { harness, state, type Harness, WATCHBOOK } from './harness.js';
import { parseProm } from './prom-text.js';

/** What a worker writes at start: the store's sentinel and every source scheduled. */
async function startedWorker(h: Harness): Promise<void> {
  await h.store.markStarted(Date.now());
  for (const source of WATCHBOOK.sources) await h.store.schedule(source.id, Date.now());
}

describe('web role without credentials: health, readiness, metrics', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(undefined);
  });
  afterAll(async () => h.close());

  it('/healthz answers 200', async () => {
    const r = await fetch(`${h.web.url}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ok' });
  });

  it('/readyz is 503 naming the tick and schedule before a worker, 200 after a tick, and still 200 (with a warning) when a watchbook reload was refused', async () => {
    let r = await fetch(`${h.web.url}/readyz`);
    expect(r.status).toBe(503);
    const body = (await r.json()) as { notReady: string[]; checks: Record<string, string> };
    expect(body.notReady).toEqual(['tick', 'schedule']);
    expect(body.checks.redis).toBe('ok');
    expect(body.checks.schedule).toMatch(/^store empty/);

    await startedWorker(h);
    await h.store.appendScenarioState(state(Date.now(), 0.3));
    r = await fetch(`${h.web.url}/readyz`);
    expect(r.status).toBe(200);

    // A refused edit: the last good watchbook runs on, so the process stays ready and says why it warns.
    h.reload.status = { ok: false, at: Date.now(), problems: ['rules/x.yaml:3:4: bad'] };
    r = await fetch(`${h.web.url}/readyz`);
    expect(r.status).toBe(200);
    const warned = (await r.json()) as {
      status: string;
      notReady?: string[];
      warnings: string[];
      checks: Record<string, string>;
    };
    expect(warned.status).toBe('ready');
    expect(warned.notReady).toBeUndefined();
    expect(warned.warnings).toEqual(['watchbook']);
    expect(warned.checks.watchbook).toBe('running the last good watchbook; last reload refused: rules/x.yaml:3:4: bad');
    h.reload.status = { ok: true, at: Date.now(), problems: [] };
  });

  it('/readyz is 503 while Redis has lost the schedule (its data, or a source), ticks or not', async () => {
    const other = await harness(undefined);
    try {
      await startedWorker(other);
      await other.store.appendScenarioState(state(Date.now(), 0.3));
      expect((await fetch(`${other.web.url}/readyz`)).status).toBe(200);

      await other.store.unschedule('bad-feed');
      let r = await fetch(`${other.web.url}/readyz`);
      expect(r.status).toBe(503);
      expect(await r.json()).toMatchObject({
        notReady: ['schedule'],
        checks: { schedule: '1 of 2 sources scheduled' },
      });

      // Everything under the prefix gone, as when Redis comes back empty; a tick alone does not make it ready.
      await deleteUnder(other.redis, other.prefix);
      await other.store.appendScenarioState(state(Date.now(), 0.3));
      r = await fetch(`${other.web.url}/readyz`);
      expect(r.status).toBe(503);
      expect(((await r.json()) as { notReady: string[] }).notReady).toEqual(['schedule']);
    } finally {
      await other.close();
    }
  });

  it('/readyz is 200 after a finished tick job alone, once a worker has scheduled the sources', async () => {
    const other = await harness(undefined);
    try {
      await startedWorker(other);
      const { Worker } = await import('bullmq');
      const connection = other.redis.duplicate({ maxRetriesPerRequest: null });
      const worker = new Worker('tick', () => Promise.resolve('done'), { connection, prefix: other.prefix });
      const done = new Promise((resolve) => worker.once('completed', resolve));
      const { openQueues } = await import('../../src/queue/index.js');
      const queues = openQueues(other.redis, other.prefix);
      await queues.tick.add('tick', { slot: Date.now() }, { jobId: 'tick-1' });
      await done;
      await worker.close();
      await queues.close();
      await connection.quit();
      const r = await fetch(`${other.web.url}/readyz`);
      expect(r.status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('/metrics is Prometheus text with queue depths and scenario probabilities, and moves with the store', async () => {
    const now = Date.now();
    await h.store.appendScenarioState(state(now, 0.25));
    await h.store.setHealth({
      source: 'bad-feed',
      consecutiveFailures: 4,
      itemsLastFetch: 0,
      nextCheckAt: now,
      lastError: { reason: 'timeout', message: 'x', at: now },
    });
    let r = await fetch(`${h.web.url}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/plain');
    let m = parseProm(await r.text()).samples;
    expect(m.get('signpost_scenario_probability{scenario="risk"}')).toBeCloseTo(0.25);
    expect(m.get('signpost_queue_jobs{queue="fetch",state="waiting"}')).toBe(0);
    expect(m.get('signpost_queue_jobs{queue="deliver",state="failed"}')).toBe(0);
    expect(m.get('signpost_source_consecutive_failures{source="bad-feed"}')).toBe(4);
    expect(m.get('signpost_config_reload_ok')).toBe(1);

    await h.store.appendScenarioState(state(now + 1000, 0.6));
    const { openQueues } = await import('../../src/queue/index.js');
    const queues = openQueues(h.redis, h.prefix);
    await queues.fetch.add('fetch', { source: 'good-feed' });
    await queues.close();
    r = await fetch(`${h.web.url}/metrics`);
    m = parseProm(await r.text()).samples;
    expect(m.get('signpost_scenario_probability{scenario="risk"}')).toBeCloseTo(0.6);
    expect(m.get('signpost_queue_jobs{queue="fetch",state="waiting"}')).toBe(1);
  });

  it('does not serve / or /queues and says why in the log', async () => {
    for (const path of ['/', '/queues', '/queues/api/queues'])
      expect((await fetch(`${h.web.url}${path}`)).status).toBe(404);
    const line = h.logs.find((l) => l.includes('SIGNPOST_WEB_USER'));
    expect(line).toBeDefined();
    expect(line).toContain('not served');
  });
});
