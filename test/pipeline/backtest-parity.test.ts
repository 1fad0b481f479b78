import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import type { Watchbook } from '../../src/model/watchbook.js';
import { evaluateItems } from '../../src/pipeline/evaluate.js';
import { readItems, replay } from '../../src/pipeline/replay.js';
import { Matcher } from '../../src/rules/index.js';
import { redisBackend } from '../store/backends.js';

// The backtest tells what the worker would have done: the same dated items, one score job each on Redis
// with the clock at the item's publication, and through `backtest`, give the same evidence, the same
// picture and the same alerts. The risk alert fires without a dwell here, so the backtest takes no step
// between items that the worker's hourly rescore would take at another time.

const shipped = loadWatchbookOrThrow(new URL('../../config/', import.meta.url).pathname);
const wb: Watchbook = {
  ...shipped,
  scenarios: shipped.scenarios.map((s) => (s.alert ? { ...s, alert: { ...s.alert, forMs: 0 } } : s)),
};
const SOURCE_BY_LANG: Record<string, string> = { en: 'bbc-world', uk: 'pravda-ua-uk', ru: 'meduza-ru' };

describe('the worker on Redis and the backtest', () => {
  const backend = redisBackend();
  let dir: string;
  let input: string;
  beforeAll(async () => {
    await backend.setup();
    dir = mkdtempSync(join(tmpdir(), 'signpost-parity-'));
    input = join(dir, 'items.jsonl');
    // 160 real reports of the evaluation set, a few days apart each day's batch, as a feed would bring them.
    const lines = readFileSync(new URL('../fixtures/eval/real-news.jsonl', import.meta.url), 'utf8')
      .split('\n')
      .filter(Boolean)
      .slice(0, 160);
    const items = lines.map((line, n) => {
      const r = JSON.parse(line) as {
        id: string;
        title: string;
        summary?: string;
        lang: string;
        publishedAt: string;
        url?: string;
      };
      const at = Date.parse(r.publishedAt) + n * 60_000;
      return JSON.stringify({
        id: r.id,
        title: r.title,
        summary: r.summary,
        url: r.url,
        source: SOURCE_BY_LANG[r.lang],
        publishedAt: new Date(at).toISOString(),
      });
    });
    writeFileSync(input, `${items.join('\n')}\n`);
  });
  afterAll(async () => {
    await backend.reset();
    await backend.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('give the same evidence, picture and alerts for the same dated items', async () => {
    const backtest = await replay(input, wb);
    expect(backtest.problems).toEqual([]);

    const { store } = backend.open();
    const matcher = new Matcher(wb.rules, wb.cues);
    const items = await readItems(input, wb, []);
    const alerts: string[] = [];
    for (const item of items) {
      const result = await evaluateItems([item], wb, matcher, store, Date.parse(item.publishedAt));
      alerts.push(...result.alerts.map((a) => a.id));
    }

    const evidence = (await store.listEvidence(-Infinity, Infinity)).map((e) => e.id).sort();
    const replayed = backtest.steps.flatMap((s) => s.matches.map((rule) => `${s.item}|${rule}`)).sort();
    expect(replayed.length).toBeGreaterThan(40);
    expect(evidence).toEqual(replayed);
    const state = await store.latestScenarioState();
    for (const [scenario, p] of Object.entries(backtest.final))
      expect(state?.probabilities[scenario]).toBeCloseTo(p, 12);
    expect(alerts).toEqual(backtest.alerts.map((a) => a.id));
    expect(alerts.some((id) => id.startsWith('match:'))).toBe(true);
    // Every alert the worker raised is kept in Redis under its id.
    expect((await store.getAlerts(alerts)).map((a) => a.id)).toEqual(alerts);
  });
});
