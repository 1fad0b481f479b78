// Workers SIGKILLed during ingest: two `signpost worker` processes share the sources; five times while the
// feeds fill, one of them (in turn) is SIGKILLed and started again. Its fetch, score and delivery jobs
// stall and are taken over (BullMQ stall detection, the send claim's lapse). Every item that should alert
// must reach the Slack stand-in once: lost and duplicated are counted by item id. Evidence in Redis is
// reported beside it.
import { IN_DOUBT } from '../../src/pipeline/send-once.js';
import { openQueues } from '../../src/queue/index.js';
import { RedisStore } from '../../src/store/index.js';
import { signalAndWait } from '../../test/worker/helpers/processes.js';
import { idsIn } from '../lib/book.js';
import type { Scenario } from '../lib/scenario.js';
import { sample, seconds, sleep, tally, waitUntil } from '../lib/tally.js';
import { started, startWorld } from '../lib/world.js';

const KILLS = 5;
/** After the last expected alert, how long to keep watching for a second copy. */
const SETTLE_MS = 8_000;

export const scenario: Scenario = {
  name: 'worker-sigkill-during-ingest',
  budgetMs: { scaled: 300_000, full: 480_000 },
  async run({ full, deadline, scope, log }) {
    const size = full
      ? { sources: 50, perSource: 40, ingestMs: 120_000 }
      : { sources: 10, perSource: 40, ingestMs: 45_000 };
    const world = await startWorld({ sources: size.sources, every: '2s', rules: size.perSource }, scope);
    const t0 = Date.now();
    const expected = world.publish(size.perSource, t0, size.ingestMs / size.perSource);
    log(
      `${size.sources * size.perSource} items from ${size.sources} sources over ${size.ingestMs / 1000} s, ${expected.size} of them should alert; ${KILLS} SIGKILLs during ingest`,
    );
    const workers = { a: world.spawn('a'), b: world.spawn('b') };
    await waitUntil(() => started(workers.a) && started(workers.b), Math.min(deadline, Date.now() + 30_000));

    let lastRestart = 0;
    for (let k = 0; k < KILLS; k++) {
      await sleep(t0 + ((k + 0.5) * size.ingestMs) / KILLS - Date.now());
      const name = k % 2 === 0 ? 'a' : 'b';
      const victim = workers[name];
      const exit = await signalAndWait(victim, 'SIGKILL', 10_000);
      workers[name] = world.spawn(`${name}${k + 1}`);
      lastRestart = Date.now();
      log(
        `kill ${k + 1}: worker ${victim.name} (pid ${victim.pid}) ${exit.signal ?? exit.code}, ${world.slack.accepted.length} alerts in so far; started ${workers[name].name}`,
      );
    }

    // Delivery is at most once: a kill between a send's claim and its record leaves that message in doubt,
    // and the retry records it so (IN_DOUBT) instead of sending it again. Such a message may not have
    // reached Slack; it is counted, said, and not sent twice. Anything else missing is lost.
    const queues = scope.defer('queues', openQueues(world.redis, world.prefix), (q) => q.close());
    const doubtedIds = async () => {
      const notifications = new Set(
        world.workers.flatMap((w) => w.logs.filter((l) => l.msg === IN_DOUBT).map((l) => String(l.notification))),
      );
      const ids = new Set<string>();
      for (const id of notifications)
        for (const item of idsIn(JSON.stringify((await queues.deliver.getJob(id))?.data.notification.alerts ?? [])))
          ids.add(item);
      return ids;
    };
    const lostBeyondDoubt = async () => {
      const doubted = await doubtedIds();
      return [...expected].filter((id) => !world.slack.firstAt.has(id) && !doubted.has(id));
    };
    await waitUntil(async () => (await lostBeyondDoubt()).length === 0, deadline, 500);
    await sleep(Math.min(SETTLE_MS, deadline - Date.now()));
    const t = tally(expected, world.slack.accepted);
    const after = [...world.slack.firstAt.values()].filter((at) => at >= lastRestart).sort((x, y) => x - y)[0];
    const evidence = await new RedisStore(world.redis, { prefix: world.prefix }).listEvidence(-Infinity, Infinity);
    const evidenceIds = new Set(evidence.map((e) => e.itemKey));
    log(
      `expected ${t.expected} alerts at Slack, each once; saw ${t.processed} distinct, lost ${t.lost} (${sample(t.lostIds)}), duplicated ${t.duplicated} (${sample(t.duplicatedIds)}), unexpected ${t.unexpected}, malformed ${world.slack.malformed}`,
    );
    log(
      `evidence in Redis: ${evidence.length} records on ${evidenceIds.size} items (${expected.size} expected); worker warnings: ${world.complaints()}`,
    );
    const doubted = await doubtedIds();
    const lostInDoubt = t.lostIds.filter((id) => doubted.has(id));
    if (doubted.size)
      log(
        `in doubt: ${[...doubted].join(', ')}: a kill landed between a send's claim and its record (at most once, as the README's Limits say), not sent again; ${lostInDoubt.length} of them never reached Slack`,
      );
    const alive = Object.values(workers).filter((w) => !w.exited()).length;
    if (alive !== 2) log(`expected both workers running at the end; ${alive} are`);
    return {
      name: scenario.name,
      expected: t.expected,
      processed: t.processed,
      lost: t.lost,
      duplicated: t.duplicated,
      recovered_s: after === undefined ? 0 : seconds(after - lastRestart),
      pass: t.lost === lostInDoubt.length && t.duplicated === 0 && t.unexpected === 0 && alive === 2,
    };
  },
};
