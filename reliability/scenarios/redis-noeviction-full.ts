// Redis full under noeviction, on a redis-server of the scenario's own: after a first batch has alerted,
// maxmemory is lowered to what is in use and filler keys take the rest, so every write is refused (OOM)
// for a while, during which a second batch is published; then maxmemory is raised. Every alert of both
// batches must arrive once, after the recovery for the second, and the worker must stay up.
import type { Scenario } from '../lib/scenario.js';
import { startOwnRedis } from '../lib/redis-server.js';
import { sample, seconds, sleep, tally, waitUntil } from '../lib/tally.js';
import { started, startWorld } from '../lib/world.js';

const SETTLE_MS = 8_000;

export const scenario: Scenario = {
  name: 'redis-noeviction-full',
  budgetMs: { scaled: 180_000, full: 300_000 },
  async run({ full, deadline, scope, log }) {
    const size = full ? { sources: 20, perPhase: 8, outageMs: 60_000 } : { sources: 5, perPhase: 8, outageMs: 15_000 };
    const redis = scope.defer('own redis-server', await startOwnRedis(['--maxmemory-policy', 'noeviction']), (r) =>
      r.close(),
    );
    const world = await startWorld(
      { sources: size.sources, every: '1s', rules: 2 * size.perPhase, redisUrl: redis.url },
      scope,
    );
    const before = world.publish(size.perPhase, Date.now(), 1_000);
    const worker = world.spawn('w');
    await waitUntil(() => started(worker), Math.min(deadline, Date.now() + 30_000));
    await waitUntil(
      () => [...before].every((id) => world.slack.firstAt.has(id)),
      Math.min(deadline, Date.now() + 60_000),
      250,
    );
    log(`first batch: ${[...before].filter((id) => world.slack.firstAt.has(id)).length} of ${before.size} alerts in`);

    // Full: maxmemory at what is used now, then filler until a write is refused.
    const used = (): Promise<number> =>
      redis.client.info('memory').then((s) => Number(/used_memory:(\d+)/.exec(s)?.[1] ?? 0));
    await redis.client.config('SET', 'maxmemory', String((await used()) + 2 * 1024 * 1024));
    let filler = 0;
    for (;;) {
      try {
        await redis.client.set(`filler:${filler++}`, 'x'.repeat(64 * 1024));
      } catch (e) {
        if (!/OOM/.test((e as Error).message)) throw e;
        break;
      }
    }
    const faultStart = Date.now();
    log(
      `Redis full: ${filler - 1} filler keys, writes refused (OOM) for ${size.outageMs / 1000} s while a second batch is published`,
    );
    const during = world.publish(size.perPhase, faultStart + 1_000, (size.outageMs * 0.7) / size.perPhase);
    let refusedAtEnd = false;
    await sleep(size.outageMs - 1_000);
    try {
      await redis.client.set('probe', 'x'.repeat(64 * 1024));
    } catch {
      refusedAtEnd = true;
    }
    await redis.client.config('SET', 'maxmemory', String(1024 * 1024 * 1024));
    const faultEnd = Date.now();
    log(`maxmemory raised to 1 GiB (writes were ${refusedAtEnd ? 'still refused' : 'NOT refused'} just before)`);

    const expected = new Set([...before, ...during]);
    await waitUntil(() => [...expected].every((id) => world.slack.firstAt.has(id)), deadline, 250);
    await sleep(Math.min(SETTLE_MS, deadline - Date.now()));
    const t = tally(expected, world.slack.accepted);
    const firstAfter = [...world.slack.firstAt.values()].filter((at) => at >= faultEnd).sort((x, y) => x - y)[0];
    const duringIn = [...during].filter((id) => (world.slack.firstAt.get(id) ?? 0) >= faultStart).length;
    log(
      `expected ${expected.size} alerts (${during.size} published while Redis was full), each once; saw ${t.processed} distinct (${duringIn} of the second batch), lost ${t.lost} (${sample(t.lostIds)}), duplicated ${t.duplicated} (${sample(t.duplicatedIds)}), unexpected ${t.unexpected}`,
    );
    log(
      `first alert after recovery ${firstAfter ? `${seconds(firstAfter - faultEnd)} s after it` : 'never came'}; worker warnings: ${world.complaints()}`,
    );
    const alive = !worker.exited();
    if (!alive) log(`expected the worker to stay up; it exited ${JSON.stringify(worker.exited())}`);
    return {
      name: scenario.name,
      expected: t.expected,
      processed: t.processed,
      lost: t.lost,
      duplicated: t.duplicated,
      recovered_s: firstAfter === undefined ? 0 : seconds(firstAfter - faultEnd),
      pass: refusedAtEnd && alive && t.lost === 0 && t.duplicated === 0 && t.unexpected === 0,
    };
  },
};
