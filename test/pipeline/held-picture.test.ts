// A process that holds its picture between steps (held-picture.ts) scores exactly as one that reads the
// picture in full for every step: two processes taking turns on one Redis, against a fresh store object
// (and so a full read) for every step on another prefix; the same when Redis loses its data half way.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import { toItem } from '../../src/items/index.js';
import type { Item } from '../../src/model/item.js';
import { evaluateItems, type Evaluated } from '../../src/pipeline/evaluate.js';
import { Matcher } from '../../src/rules/index.js';
import { RedisStore, type Store } from '../../src/store/index.js';
import { redisBackend } from '../store/backends.js';

const wb = loadWatchbookOrThrow(new URL('../../config/', import.meta.url).pathname);
const matcher = new Matcher(wb.rules, wb.cues);
const SOURCE_BY_LANG: Record<string, string> = { en: 'bbc-world', uk: 'pravda-ua-uk', ru: 'meduza-ru' };
const T0 = Date.parse('2025-12-10T08:00:00Z');

/** 150 real reports, ten minutes apart, some repeated under another source (syndicated copies). */
function reports(): Item[] {
  const lines = readFileSync(new URL('../fixtures/eval/real-news.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter(Boolean)
    .slice(0, 120);
  const items = lines.map((line, n) => {
    const r = JSON.parse(line) as { id: string; title: string; summary?: string; lang: string };
    const source = wb.sources.find((s) => s.id === SOURCE_BY_LANG[r.lang])!;
    const at = new Date(T0 + n * 600_000);
    return toItem(
      { guid: r.id, title: r.title, ...(r.summary && { summary: r.summary }), published: at.toISOString() },
      source,
      at,
    )!;
  });
  const copies = items
    .filter((_, n) => n % 4 === 1)
    .slice(0, 30)
    .map((i) => ({
      ...i,
      key: `${i.key}-copy`,
      source: 'nato-news',
      publishedAt: new Date(Date.parse(i.publishedAt) + 300_000).toISOString(),
    }));
  return [...items, ...copies].sort((a, b) => Date.parse(a.publishedAt) - Date.parse(b.publishedAt));
}

/** What a step decided, to compare runs by. */
function decided(r: Evaluated) {
  return {
    probabilities: r.state.probabilities,
    statuses: r.statuses,
    alerts: r.alerts.map((a) => a.id),
    evidence: r.evidence.map((e) => `${e.id}@${e.cluster}`),
  };
}

describe('a held picture', () => {
  const held = redisBackend();
  const full = redisBackend();
  beforeAll(async () => {
    await Promise.all([held.setup(), full.setup()]);
  });
  afterAll(async () => {
    await Promise.all([held.teardown(), full.teardown()]);
  });

  /** Batches of three, each step at its last item's time; `lose` empties both Redis prefixes before a step. */
  async function run(stores: (step: number) => Store, lose: number | undefined, reset: () => Promise<void>) {
    const items = reports();
    const steps: ReturnType<typeof decided>[] = [];
    for (let n = 0; n * 3 < items.length; n++) {
      if (n === lose) await reset();
      const batch = items.slice(n * 3, n * 3 + 3);
      steps.push(
        decided(await evaluateItems(batch, wb, matcher, stores(n), Date.parse(batch.at(-1)!.publishedAt) + 60_000)),
      );
    }
    return steps;
  }

  // prettier-ignore
  it.each([
    ['all along', undefined],
    ['when Redis loses its data half way', 25],
  ])('scores as a full read of the picture every step does, %s', async (_, lose) => {
    await Promise.all([held.reset(), full.reset()]);
    const { store, peer } = held.open();
    const taking = await run((n) => (n % 3 === 2 ? peer : store), lose, () => held.reset());
    const reading = await run(() => new RedisStore(full.clients()[0], { prefix: full.prefix }), lose, () => full.reset());
    expect(taking.flatMap((s) => s.evidence).length).toBeGreaterThan(30);
    expect(taking.flatMap((s) => s.alerts).length).toBeGreaterThan(5);
    expect(new Set(taking.flatMap((s) => s.evidence.map((e) => e.split('@')[1]))).size).toBeLessThan(taking.flatMap((s) => s.evidence).length);
    expect(taking).toEqual(reading);
  });
});
