import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisStore, storeKeys } from '../../src/store/index.js';
import { expectedFor } from './helpers/expected.js';
import { FeedFixture, type FeedEntry } from './helpers/feeds.js';
import { killAll, signalAndWait, spawnWorker, type WorkerProcess } from './helpers/processes.js';
import { deleteUnder, randomPrefix, REDIS_URL, testRedis, until } from './helpers/redis.js';
import { startSlowProxy } from './helpers/slow-proxy.js';
import { makeWatchbookDir, shippedTestItems } from './helpers/watchbook.js';

// A worker SIGKILLed in the middle of a score job: another process reruns the job after stall detection,
// and every (item, rule) evidence must still be recorded, once.
// That holds because evaluateItems asks whether items were seen first and marks them last, after their
// alerts are raised and the picture written: a run killed in between leaves them unseen, and the rerun
// records them under the same evidence ids and raises the same alerts.
// The first worker talks to Redis through a slow link (every write held 40 ms), so its score job spends
// long enough between its first write and its last to be killed there on any machine.

const ITEMS = 3000;

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe('a worker SIGKILLed mid-score', () => {
  it('loses no evidence: the rerun on another process records what the dead one did not', async () => {
    const prefix = randomPrefix();
    const { positive, negative } = shippedTestItems();
    const titles = [...positive, ...negative];
    // About 1 KB an item, so scoring one batch takes long enough to be caught in the middle.
    const filler =
      'Officials said the talks would continue next week, according to people familiar with the matter. '.repeat(9);
    const entries: FeedEntry[] = Array.from({ length: ITEMS }, (_, i) => {
      const t = titles[i % titles.length]!;
      return {
        guid: `g${i}`,
        title: `${t.title} (${i})`,
        summary: `${t.summary ?? ''} ${filler}`,
        published: new Date(Date.now() - (i + 1) * 1000),
      };
    });
    const fixture = await FeedFixture.start([{ id: 'big', entries }]);
    const book = makeWatchbookDir([{ id: 'big', url: fixture.url('big'), every: '1h' }]);
    const expected = await expectedFor(book.dir, new Map([['big', { url: fixture.url('big'), entries }]]));
    const keys = storeKeys(prefix);
    const redis = testRedis();
    const score = new Queue('score', { connection: redis, prefix });
    const slow = await startSlowProxy(REDIS_URL, 40);
    const workers: WorkerProcess[] = [];
    cleanup = async () => {
      await killAll(workers);
      await slow.close();
      await score.close();
      await fixture.close();
      book.remove();
      await deleteUnder(redis, prefix);
      redis.disconnect();
    };

    const a = spawnWorker('a', { config: book.dir, prefix, redisUrl: slow.url });
    workers.push(a);
    // Kill once the score job has written part of its evidence (it writes it in batches of 1,000), before
    // it marks the items seen.
    const caught = await until(
      'the score job part way, or done',
      async () => {
        const [seen, evidence, counts] = await Promise.all([
          redis.zcard(keys.seen),
          redis.hlen(keys.evidence),
          score.getJobCounts('active', 'completed'),
        ]);
        if ((counts.completed ?? 0) > 0 || seen > 0) return 'done';
        return (counts.active ?? 0) > 0 && evidence > 0 ? 'part way' : undefined;
      },
      60_000,
      { intervalMs: 5 },
    );
    await signalAndWait(a, 'SIGKILL', 5_000);
    const [seenAtKill, evidenceAtKill] = [await redis.zcard(keys.seen), await redis.hlen(keys.evidence)];
    console.info(
      `multi-process-kill-score: killed with ${seenAtKill} of ${expected.allItems} items seen, ${evidenceAtKill} of ${expected.allEvidence.size} evidence`,
    );
    expect(caught).toBe('part way');
    expect(seenAtKill).toBe(0);
    expect(evidenceAtKill).toBeGreaterThan(0);
    expect(evidenceAtKill).toBeLessThan(expected.allEvidence.size);

    const b = spawnWorker('b', { config: book.dir, prefix, redisUrl: REDIS_URL });
    workers.push(b);
    // Stall detection takes up to about a minute, then the whole batch is scored again: on a loaded
    // machine that can take a while, and the property under test is what is recorded, not how fast.
    await until(
      'the score job to complete',
      async () => {
        const c = await score.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
        const n = (k: string) => c[k] ?? 0;
        return n('completed') + n('failed') > 0 && n('waiting') + n('active') + n('delayed') === 0 ? true : undefined;
      },
      150_000,
      { intervalMs: 250 },
    );

    const recorded = (await new RedisStore(redis, { prefix }).listEvidence(-Infinity, Infinity)).map((e) => e.id);
    expect(new Set(recorded).size).toBe(recorded.length);
    expect(recorded.length).toBe(expected.allEvidence.size);
    expect(new Set(recorded)).toEqual(expected.allEvidence);
    expect(await redis.zcard(keys.seen)).toBe(expected.allItems);
    expect(await signalAndWait(b, 'SIGTERM', 25_000)).toMatchObject({ code: 0, signal: null });
  }, 200_000);
});
