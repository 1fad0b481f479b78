// A soak: many sources polled every minute, most answering 304 (their ETag unchanged), a few (one in
// twenty a minute) with a new item that alerts. After warm-up, the worker's resident memory (VmRSS from
// /proc) must stay flat (under 5 % growth from the two minutes after warm-up to the last two) and Redis
// memory bounded (used_memory on a redis-server of the scenario's own); every new item must alert once.
//
// The soak is the same size in the scaled suite: a worker's heap rises and falls with its garbage
// collector (the worker fixes its growth at half what survives a full collection, and runs with its young
// generation fixed, as shipped: src/cli/heap.ts). The medians of two-minute windows compare what the
// worker holds, not where a sample fell in a cycle; a shorter run has no such windows to compare.
//
// The soak measures a steady state: its indicator's half_life is 12 s, so an item's evidence is scored, and
// held, for two minutes (ten half-lives) and then forgotten, and what the worker holds reaches its level
// within the warm-up. With the default 30 days the worker would rightly hold every item of the run, and
// the soak would weigh that instead of a leak. Alerts do not depend on it: every match alerts.
import { readFileSync } from 'node:fs';
import { item } from '../lib/book.js';
import type { Scenario } from '../lib/scenario.js';
import { startOwnRedis } from '../lib/redis-server.js';
import { sample, sleep, tally, waitUntil } from '../lib/tally.js';
import { started, startWorld } from '../lib/world.js';

const SAMPLE_EVERY_MS = 5_000;
/** Samples compared just after warm-up and at the end: whole garbage collection cycles (see above). */
const WINDOW_MS = 120_000;
const RSS_GROWTH = 0.05;
const MIB = 1024 * 1024;

const rssOf = (pid: number): number =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const mib = (n: number): string => `${(n / MIB).toFixed(1)} MiB`;

export const scenario: Scenario = {
  name: 'soak-304',
  budgetMs: { scaled: 900_000, full: 900_000 },
  async run({ deadline, scope, log }) {
    const size = { sources: 2000, minutes: 10, warmMs: 180_000, halfLife: '12s', redisBound: 64 * MIB };
    const redis = scope.defer('own redis-server', await startOwnRedis(), (r) => r.close());
    const world = await startWorld(
      { sources: size.sources, every: '1m', rules: size.minutes + 1, halfLife: size.halfLife, redisUrl: redis.url },
      scope,
    );
    const t0 = Date.now();
    const expected = new Set<string>();
    world.sourceIds.forEach((id, n) => {
      world.feeds.add(id, item(id, 0, t0 - 60_000, { rules: size.minutes + 1, quiet: true }));
      for (let m = 1; m < size.minutes; m++) {
        if (n % 20 !== m % 20) continue;
        const entry = item(id, m, t0 + m * 60_000 + (n % 50) * 200, { rules: size.minutes + 1 });
        world.feeds.add(id, entry);
        expected.add(entry.guid);
      }
    });
    log(
      `${size.sources} sources every minute for ${size.minutes} min; ${expected.size} new items over the run, the rest answered 304; warm-up ${size.warmMs / 1000} s`,
    );
    const worker = world.spawn('w');
    await waitUntil(() => started(worker), Math.min(deadline, Date.now() + 30_000));
    const end = t0 + size.minutes * 60_000;
    const samples: { at: number; rss: number; redis: number }[] = [];
    while (Date.now() < end && !worker.exited()) {
      const used = Number(/used_memory:(\d+)/.exec(await redis.client.info('memory'))?.[1] ?? 0);
      samples.push({ at: Date.now(), rss: rssOf(worker.pid), redis: used });
      await sleep(Math.min(SAMPLE_EVERY_MS, end - Date.now()));
    }
    const warmEnd = t0 + size.warmMs;
    const at = (from: number, to: number) => samples.filter((s) => s.at >= from && s.at <= to);
    const warm = at(warmEnd, warmEnd + WINDOW_MS);
    const last = at(end - WINDOW_MS, end);
    const rss = {
      warm: median(warm.map((s) => s.rss)),
      end: median(last.map((s) => s.rss)),
      peak: Math.max(...samples.map((s) => s.rss)),
    };
    const red = { warm: median(warm.map((s) => s.redis)), end: median(last.map((s) => s.redis)) };
    const rssGrowth = rss.warm ? (rss.end - rss.warm) / rss.warm : Infinity;
    const polls = world.feeds.polls();
    const notModified = world.feeds.notModified();

    await waitUntil(
      () => [...expected].every((id) => world.slack.firstAt.has(id)),
      Math.min(deadline, Date.now() + 90_000),
      500,
    );
    const t = tally(expected, world.slack.accepted);
    const alive = !worker.exited();
    const rssOk = warm.length > 0 && last.length > 0 && rssGrowth < RSS_GROWTH;
    const redisOk = red.end - red.warm < size.redisBound;
    log(
      `polls ${polls} (${Math.round((100 * notModified) / Math.max(1, polls))} % answered 304), about ${Math.round(polls / size.minutes)} a minute for ${size.sources} sources`,
    );
    log(
      `expected worker RSS growth under ${RSS_GROWTH * 100} % after warm-up; saw medians ${mib(rss.warm)} -> ${mib(rss.end)} (${(rssGrowth * 100).toFixed(1)} %, peak ${mib(rss.peak)})`,
    );
    log(
      `expected Redis used_memory growth under ${mib(size.redisBound)} after warm-up; saw ${mib(red.warm)} -> ${mib(red.end)}`,
    );
    log(
      `expected ${t.expected} alerts, each once; saw ${t.processed} distinct, lost ${t.lost} (${sample(t.lostIds)}), duplicated ${t.duplicated} (${sample(t.duplicatedIds)}), unexpected ${t.unexpected}; worker warnings: ${world.complaints()}`,
    );
    return {
      name: scenario.name,
      expected: t.expected,
      processed: t.processed,
      lost: t.lost,
      duplicated: t.duplicated,
      recovered_s: 0,
      pass: alive && rssOk && redisOk && t.lost === 0 && t.duplicated === 0 && t.unexpected === 0,
    };
  },
};
