// Redis restarted under a running worker, on a redis-server of the scenario's own: with its data (an
// append-only file, fsync always, a clean shutdown) or empty (no persistence). Items alert before the
// restart; Redis goes down for a while and comes back; polling must resume within a bound (every source
// polled again), and items published after that alert once, while none from before alerts again.
//
// With data lost the worker warms each source up on its first poll (marks its items seen, alerts none),
// so the second batch is published only once every source has been polled after the restart.
import type { Scenario, ScenarioOptions, ScenarioResult } from './scenario.js';
import { startOwnRedis } from './redis-server.js';
import { sample, seconds, sleep, tally, waitUntil } from './tally.js';
import { started, startWorld } from './world.js';

const SETTLE_MS = 8_000;

export function redisRestartScenario(name: string, keepData: boolean): Scenario {
  return {
    name,
    budgetMs: { scaled: 180_000, full: 300_000 },
    run: (opts) => run(name, keepData, opts),
  };
}

async function run(
  name: string,
  keepData: boolean,
  { full, deadline, scope, log }: ScenarioOptions,
): Promise<ScenarioResult> {
  const size = full
    ? { sources: 20, perPhase: 8, downMs: 30_000, resumeMs: 60_000 }
    : { sources: 5, perPhase: 8, downMs: 5_000, resumeMs: 30_000 };
  const redis = scope.defer(
    'own redis-server',
    await startOwnRedis(keepData ? ['--appendonly', 'yes', '--appendfsync', 'always'] : []),
    (r) => r.close(),
  );
  const world = await startWorld(
    { sources: size.sources, every: '1s', rules: 2 * size.perPhase, redisUrl: redis.url },
    scope,
  );
  const before = world.publish(size.perPhase, Date.now(), 1_000);
  log(
    `own redis-server on ${redis.port} (${keepData ? 'append-only file' : 'no persistence'}); ${size.sources} sources; ${before.size} alerts expected before the restart`,
  );
  const worker = world.spawn('w');
  await waitUntil(() => started(worker), Math.min(deadline, Date.now() + 30_000));
  const beforeIn = await waitUntil(
    () => [...before].every((id) => world.slack.firstAt.has(id)),
    Math.min(deadline, Date.now() + 60_000),
    250,
  );
  log(
    `before the restart: ${beforeIn ? 'every alert in' : `only ${[...before].filter((id) => world.slack.firstAt.has(id)).length} of ${before.size} alerts in`}`,
  );

  await redis.stop();
  log(
    `redis-server stopped (${keepData ? 'clean shutdown, data on disk' : 'data gone'}), down for ${size.downMs / 1000} s`,
  );
  await sleep(size.downMs);
  await redis.start();
  const faultEnd = Date.now();
  log(`redis-server back${keepData ? ` with ${await redis.client.dbsize()} keys` : ' empty'}`);

  // Polling resumes: every source polled again after Redis came back.
  const resumed = await waitUntil(
    () => world.sourceIds.every((id) => world.feeds.polls(id, faultEnd) > 0),
    Math.min(deadline, faultEnd + size.resumeMs),
    100,
  );
  const resumedAt = Date.now();
  const polledAgain = world.sourceIds.filter((id) => world.feeds.polls(id, faultEnd) > 0).length;
  log(
    `expected every source polled again within ${size.resumeMs / 1000} s of the restart; ${resumed ? `all ${polledAgain} were, after ${seconds(resumedAt - faultEnd)} s` : `${polledAgain} of ${size.sources} were`}`,
  );

  const after = resumed ? world.publish(size.perPhase, Date.now() + 1_000, 1_000) : new Set<string>();
  const expected = new Set([...before, ...after]);
  if (resumed) await waitUntil(() => [...after].every((id) => world.slack.firstAt.has(id)), deadline, 250);
  await sleep(Math.min(SETTLE_MS, deadline - Date.now()));
  const t = tally(expected, world.slack.accepted);
  const firstAfter = [...after]
    .map((id) => world.slack.firstAt.get(id))
    .filter((at): at is number => at !== undefined)
    .sort((x, y) => x - y)[0];
  log(
    `expected ${before.size} alerts before and ${after.size} after the restart, each once; saw ${t.processed} distinct, lost ${t.lost} (${sample(t.lostIds)}), duplicated ${t.duplicated} (${sample(t.duplicatedIds)}), unexpected ${t.unexpected}`,
  );
  log(
    `first alert of the second batch ${firstAfter ? `${seconds(firstAfter - faultEnd)} s after the restart` : 'never came'}; worker warnings: ${world.complaints()}`,
  );
  const alive = !worker.exited();
  if (!alive) log(`expected the worker to stay up; it exited ${JSON.stringify(worker.exited())}`);
  return {
    name,
    expected: resumed ? t.expected : before.size + size.sources * size.perPhase * 0.75,
    processed: t.processed,
    lost: resumed ? t.lost : t.lost + size.sources * size.perPhase * 0.75,
    duplicated: t.duplicated,
    recovered_s: resumed ? seconds(resumedAt - faultEnd) : seconds(Date.now() - faultEnd),
    pass: resumed && alive && t.lost === 0 && t.duplicated === 0 && t.unexpected === 0,
  };
}
