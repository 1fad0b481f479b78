import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCORE_BATCH } from '../../jobs/fetch-source.js';
import { startWorker, type RunningWorker } from '../../jobs/worker.js';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import { openQueues, type Queues } from '../../src/queue/index.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { deleteUnder } from './helpers/redis.js';

// One source with a huge feed must not stall the worker: its items are scored in jobs of SCORE_BATCH at
// most, each short (clustering compares an item with a bounded number of others), so the worker keeps its
// job locks and stops when asked. Before, one job took every item and clustering grew with their square.

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `{test-huge-${process.pid}-${Date.now()}}`;
const ITEMS = 4 * SCORE_BATCH + 321;

let server: TestServer;
let redis: Redis;
let worker: RunningWorker | undefined;
let queues: Queues;
let dir: string;

function feed(): string {
  const when = new Date(Date.now() - 3_600_000).toUTCString();
  const items = Array.from(
    { length: ITEMS },
    (_, n) =>
      `<item><guid isPermaLink="false">i${n}</guid><title>Bulletin ${n}: weather and traffic in region ${n % 97}</title><pubDate>${when}</pubDate></item>`,
  );
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>${items.join('')}</channel></rss>`;
}

beforeAll(async () => {
  const body = feed();
  server = await startServer(
    (_req, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body),
  );
  dir = mkdtempSync(join(tmpdir(), 'signpost-huge-'));
  cpSync(new URL('../../config/rules', import.meta.url).pathname, join(dir, 'rules'), { recursive: true });
  writeFileSync(
    join(dir, 'watchbook.yaml'),
    [
      'version: 1',
      'watch: { id: test, title: Test, allow_private: true }',
      'scenarios:',
      '  baseline: { title: Baseline, prior: 0.6 }',
      '  risk: { title: Risk, prior: 0.4 }',
      'indicators:',
      ...[
        'miami-working-group',
        'ukraine-polling',
        'russia-eu-alignment',
        'nato-partner-assurances',
        'ceasefire',
        'guarantees-withdrawn',
        'renewed-offensive',
      ].map((i) => `  ${i}: { title: ${i} }`),
      'sources:',
      `  - { id: big, type: rss, url: "${server.url}/big.xml", every: 1h, credibility: 0.5, lang: en }`,
    ].join('\n'),
  );
  redis = new Redis(REDIS_URL);
  queues = openQueues(redis, PREFIX);
}, 30_000);

afterAll(async () => {
  await worker?.stop();
  await queues?.close();
  await deleteUnder(redis, PREFIX);
  redis.disconnect();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a source with a huge feed', () => {
  it(`is scored in jobs of at most ${SCORE_BATCH} items, every item once, and the worker stops when asked`, async () => {
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
    const deadline = Date.now() + 120_000;
    let sizes: number[] = [];
    for (;;) {
      const done = await queues.score.getJobs(['completed']);
      sizes = done.map((j) => (j.data.items as unknown[]).length);
      if (sizes.reduce((a, b) => a + b, 0) >= ITEMS || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(ITEMS);
    expect(sizes.length).toBe(Math.ceil(ITEMS / SCORE_BATCH));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(SCORE_BATCH);
    const results = (await queues.score.getJobs(['completed'])).map((j) => j.returnvalue as { fresh: number });
    expect(results.reduce((a, r) => a + r.fresh, 0)).toBe(ITEMS);
    await worker.stop();
    worker = undefined;
  }, 180_000);
});
