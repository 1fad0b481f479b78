// The backtest benchmark's input: dated item lines as `signpost backtest --input` reads them, one every 5
// minutes on average (about 290 a day, a busy watch), from the watchbook's sources. The text is the rule
// benchmark's generated news (bench/corpus.ts); every 10th item is a positive of the watchbook's rule tests
// with generated text after it, so the shipped rules match about one item in ten, and every 12th repeats an
// item of the last day from another source (a syndicated copy, for clustering). Deterministic for a seed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Watchbook } from '../src/model/watchbook.js';
import { buildVocab, generateCorpus } from './corpus.js';
import { Rng } from './prng.js';

const START = Date.parse('2025-11-01T00:00:00Z');
const MEAN_GAP_MS = 5 * 60_000;

/** The items of the shipped rule tests that some rule must match, in file order. */
function positives(config: string): { title: string; summary?: string }[] {
  const out: { title: string; summary?: string }[] = [];
  const dir = join(config, 'tests');
  for (const file of readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    type Entry = string | { title: string; summary?: string };
    const data = parse(readFileSync(join(dir, file), 'utf8')) as {
      tests?: { item?: Entry; items?: Entry[]; match?: string[] }[];
    };
    for (const test of data.tests ?? []) {
      if (!test.match?.length) continue;
      for (const it of test.items ?? (test.item !== undefined ? [test.item] : []))
        out.push(typeof it === 'string' ? { title: it } : it);
    }
  }
  return out;
}

/** `count` item lines, oldest first, as `backtest --input` reads them. */
export function backtestLines(
  count: number,
  watchbook: Pick<Watchbook, 'sources'>,
  config: string,
  seed: number,
): string[] {
  const rng = new Rng(seed);
  const generated = generateCorpus(rng, buildVocab(rng), count);
  const positive = positives(config);
  const sources = watchbook.sources.map((s) => s.id);
  const lines: string[] = [];
  const recent: { title: string; summary: string; at: number }[] = [];
  let at = START;
  for (let k = 0; k < count; k++) {
    at += Math.round(MEAN_GAP_MS * 2 * rng.next());
    const g = generated[k]!;
    let title = g.title;
    let summary = `${g.summary} ${g.content}`;
    if (k % 10 === 0) {
      const p = positive[(k / 10) % positive.length]!;
      title = p.title;
      summary = `${p.summary ?? ''} ${g.content}`.trim();
    } else if (k % 12 === 0) {
      const day = recent.filter((r) => r.at >= at - 86_400_000);
      if (day.length) ({ title, summary } = rng.pick(day));
    }
    recent.push({ title, summary, at });
    if (recent.length > 400) recent.shift();
    lines.push(
      JSON.stringify({
        id: `bench-${k}`,
        title,
        summary,
        url: `http://news.example.org/${k}`,
        source: rng.pick(sources),
        publishedAt: new Date(at).toISOString(),
      }),
    );
  }
  return lines;
}
