import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type RunningWorker } from '../../jobs/worker.js';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import { toItem } from '../../src/items/index.js';
import { Matcher } from '../../src/rules/index.js';
import { openQueues } from '../../src/queue/index.js';
import { FeedbackStore, RedisStore } from '../../src/store/index.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { deleteUnder } from './helpers/redis.js';

// The worker end to end on real Redis and a loopback server: twenty sources whose feeds grow between
// polls, syndicated copies of one story, and hot reloads of the watchbook while it runs.

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `{test-worker-${process.pid}-${Date.now()}}`;
const SOURCES = 20;

// Stories that move the picture toward risk, in three languages, and noise. Story 0 is syndicated: every
// source carries it, with its own GUID, so it must count as one cluster.
const RISK = [
  'KIIS poll: most Ukrainians reject territorial concessions for a peace deal',
  'Опитування КМІС: більшість українців проти територіальних поступок',
  'Опрос КМИС: большинство украинцев против территориальных уступок России',
  'Ukraine peace talks in Miami postponed as delegations remain far apart on territory',
  'Переговоры по Украине в Майами зашли в тупик',
  'NATO summit defers decision on security guarantees for Ukraine amid US objections',
];
const NOISE = [
  'Miami Heat beat the Celtics in overtime',
  'NATO allies begin Steadfast Defender exercise in Poland',
  'Storm closes schools in Lviv',
];
const SYNDICATED = 'Razumkov poll: most Ukrainians reject ceding Donbas for peace';

/** Items a test adds to source 1 later on. */
const later: { guid: string; title: string }[] = [];

/** Source n's items after `polls` polls: the feed grows by one item per poll, up to three. */
function feedItems(n: number, polls: number): { guid: string; title: string }[] {
  const all = [
    { guid: `s${n}-syndicated`, title: SYNDICATED },
    { guid: `s${n}-a`, title: RISK[n % RISK.length]! },
    { guid: `s${n}-b`, title: `${NOISE[n % NOISE.length]!} (${n})` },
  ];
  return [...all.slice(0, Math.min(polls + 1, all.length)), ...(n === 1 ? later : [])];
}

const polls = new Map<number, number>();
let server: TestServer;
let redis: Redis;
let store: RedisStore;
let worker: RunningWorker;
let dir: string;

function rss(n: number): string {
  const count = polls.get(n) ?? 0;
  polls.set(n, count + 1);
  const items = feedItems(n, count)
    .map(
      (i) =>
        `<item><guid isPermaLink="false">${i.guid}</guid><title>${i.title}</title><pubDate>${new Date(Date.now() - 3_600_000).toUTCString()}</pubDate></item>`,
    )
    .join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>s${n}</title>${items}</channel></rss>`;
}

function watchbookYaml(sources: number[]): string {
  return [
    'version: 1',
    'watch: { id: test, title: Test, allow_private: true }',
    'scenarios:',
    '  baseline: { title: Baseline, prior: 0.6 }',
    '  risk: { title: Risk, prior: 0.4 }',
    'indicators:',
    '  miami-working-group: { title: Miami }',
    '  ukraine-polling: { title: Polls }',
    '  russia-eu-alignment: { title: EU }',
    '  nato-partner-assurances: { title: NATO }',
    '  ceasefire: { title: Ceasefire }',
    '  guarantees-withdrawn: { title: Guarantees }',
    '  renewed-offensive: { title: Offensive }',
    'sources:',
    ...sources.map(
      (n) =>
        `  - { id: s${n}, type: rss, url: "${server.url}/s${n}.xml", every: 1s, credibility: 0.${(n % 8) + 1}, lang: en }`,
    ),
  ].join('\n');
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  server = await startServer((req, res) => {
    const n = Number(/^\/s(\d+)\.xml$/.exec(req.url ?? '')?.[1] ?? NaN);
    if (Number.isNaN(n)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss(n));
  });
  dir = mkdtempSync(join(tmpdir(), 'signpost-worker-'));
  cpSync(new URL('../../config/rules', import.meta.url).pathname, join(dir, 'rules'), { recursive: true });
  writeFileSync(join(dir, 'watchbook.yaml'), watchbookYaml([...Array(SOURCES).keys()]));
  redis = new Redis(REDIS_URL);
  store = new RedisStore(redis, { prefix: PREFIX });
  worker = await startWorker({
    configPath: dir,
    watchbook: loadWatchbookOrThrow(dir),
    redisUrl: REDIS_URL,
    prefix: PREFIX,
    tickMs: 1_000,
    minDelayMs: 0,
    log: pino({ level: 'silent' }),
    shutdownGraceMs: 5_000,
  });
}, 30_000);

afterAll(async () => {
  await worker?.stop();
  await deleteUnder(redis, PREFIX);
  redis.disconnect();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the worker, twenty sources on real Redis', () => {
  it('scores every new item exactly once as the feeds grow, clusters syndicated copies, and moves the picture toward risk', async () => {
    const watchbook = loadWatchbookOrThrow(dir);
    const matcher = new Matcher(watchbook.rules, watchbook.cues);
    // What must be recorded: every (item, rule) pair of the full feeds, computed in-process.
    const expected = new Set<string>();
    const noMatch: string[] = [];
    for (const source of watchbook.sources) {
      const n = Number(source.id.slice(1));
      for (const entry of feedItems(n, 10)) {
        const item = toItem({ guid: entry.guid, title: entry.title }, source, new Date())!;
        const matches = matcher.match(item);
        for (const m of matches) expected.add(`${item.key}|${m.rule}`);
        if (matches.length === 0) noMatch.push(item.title);
      }
    }
    expect(expected.size).toBeGreaterThan(SOURCES * 2);

    const evidence = await until(
      'all evidence',
      async () => {
        const all = await store.listEvidence(0);
        return all.length >= expected.size && [...polls.values()].every((p) => p >= 3) ? all : undefined;
      },
      60_000,
    );
    // Let a few more polls happen: nothing new may be recorded for items already seen.
    const pollsBefore = [...polls.values()].reduce((a, b) => a + b, 0);
    await until('more polls', () =>
      [...polls.values()].reduce((a, b) => a + b, 0) >= pollsBefore + SOURCES ? true : undefined,
    );
    const after = await store.listEvidence(0);

    const ids = after.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(expected);
    expect(after.length).toBe(evidence.length);

    const syndicated = after.filter((e) => e.title === SYNDICATED);
    expect(new Set(syndicated.map((e) => e.source)).size).toBe(SOURCES);
    expect(new Set(syndicated.map((e) => e.cluster)).size).toBe(1);

    const state = await store.latestScenarioState();
    expect(state!.probabilities.risk).toBeGreaterThan(0.4);
    const trail = state!.trail.find((t) => t.title === SYNDICATED);
    expect(trail?.sources).toHaveLength(SOURCES);

    const health = await store.allHealth();
    expect(health).toHaveLength(SOURCES);
    expect(health.every((h) => h.consecutiveFailures === 0 && h.lastSuccessAt !== undefined)).toBe(true);

    // The items no rule matched (the noise) are kept for analysts to judge, and only those.
    const matchedKeys = new Set(after.map((e) => e.itemKey));
    const unmatched = await new FeedbackStore(redis, { prefix: PREFIX }).unmatched(500);
    expect(noMatch.length).toBeGreaterThanOrEqual(SOURCES);
    expect(unmatched.map((u) => u.title).sort()).toEqual(noMatch.sort());
    expect(unmatched.every((u) => !matchedKeys.has(u.key) && u.seenAt > 0)).toBe(true);
  }, 90_000);

  it('reloads an edited watchbook: a new source is polled, a removed one is dropped', async () => {
    writeFileSync(
      join(dir, 'watchbook.yaml'),
      watchbookYaml([...Array(SOURCES).keys()].filter((n) => n !== 0).concat([SOURCES])),
    );
    const scheduled = await until('the reload', async () => {
      const s = await store.scheduled();
      return s[`s${SOURCES}`] !== undefined && s.s0 === undefined ? s : undefined;
    });
    expect(Object.keys(scheduled)).toHaveLength(SOURCES);
    await until('the new source polled', () => ((polls.get(SOURCES) ?? 0) > 0 ? true : undefined));
    expect(worker.reloadStatus().ok).toBe(true);
    // What the web role beside it shows (signpost start): the watchbook the worker runs now.
    const ids = worker.watchbook().sources.map((s) => s.id);
    expect(ids).toContain(`s${SOURCES}`);
    expect(ids).not.toContain('s0');
  }, 90_000);

  it('refuses a broken edit and keeps running the last good watchbook', async () => {
    const before = await store.scheduled();
    writeFileSync(
      join(dir, 'watchbook.yaml'),
      `${watchbookYaml([1, 2])}\n  - { id: broken, type: rss, url: "not a url", every: 1s }\n`,
    );
    const status = await until('the refusal', () => (worker.reloadStatus().ok ? undefined : worker.reloadStatus()));
    expect(status.problems.join('\n')).toMatch(/watchbook\.yaml:\d+:\d+: /);
    const polled = polls.get(SOURCES) ?? 0;
    await until('polling to go on', () => ((polls.get(SOURCES) ?? 0) > polled ? true : undefined));
    expect(Object.keys(await store.scheduled()).sort()).toEqual(Object.keys(before).sort());
    expect(worker.watchbook().sources.map((s) => s.id)).not.toContain('broken');
  }, 90_000);

  it('rides out Redis dropping its connections: it reconnects, and what arrives meanwhile is scored once', async () => {
    // Drop every connection of this worker (its own and BullMQ's, all named after its key prefix; BullMQ
    // names its connections once they are ready), twice, while new items arrive. Other tests' connections
    // on the same Redis are left alone.
    const named = async () =>
      ((await redis.client('LIST')) as string)
        .split('\n')
        .filter((line) => line.includes(` name=${PREFIX}:`))
        .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1])
        .filter((id): id is string => id !== undefined);
    const dropConnections = async () => {
      const ours = await until('the worker connections', async () => {
        const ids = await named();
        return ids.length >= 4 ? ids : undefined;
      });
      for (const id of ours) await redis.client('KILL', 'ID', id);
    };
    await dropConnections();
    later.push({ guid: 's1-later-1', title: 'Trump administration withdraws security guarantees offered to Ukraine' });
    await dropConnections();
    later.push({ guid: 's1-later-2', title: 'Russia launches major new offensive in Zaporizhzhia region' });
    // Other feeds may still be growing (a source the reload added): look at the items that came during
    // the outage, by their titles.
    const outage = new Set(later.map((i) => i.title));
    const evidence = await until(
      'the items that came during the outage',
      async () => {
        const all = await store.listEvidence(0).catch(() => undefined);
        return (all?.filter((e) => outage.has(e.title)).length ?? 0) >= 2 ? all : undefined;
      },
      60_000,
    );
    const ids = evidence.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const fresh = evidence
      .filter((e) => outage.has(e.title))
      .map((e) => e.rule)
      .sort();
    expect(fresh).toEqual(['guarantor-withdraws-guarantees', 'russia-launches-offensive'].sort());
  }, 90_000);

  it('fails a malformed job at once instead of retrying it', async () => {
    const queues = openQueues(redis, PREFIX);
    try {
      const job = await queues.score.add('score', { source: 's1', items: 'not a list' as unknown as [] });
      const failed = await until('the job to fail', async () => {
        const state = await job.getState();
        return state === 'failed' ? await queues.score.getJob(job.id!) : undefined;
      });
      expect(failed?.attemptsMade).toBe(1);
      expect(failed?.failedReason).toBe(`score job ${job.id} has no items array`);
    } finally {
      await queues.close();
    }
  });
});
