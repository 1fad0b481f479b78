// The worker benchmark's input: N feeds of M items of about 1 KB each, in English, Ukrainian and Russian
// (bench/corpus.ts, the rule benchmark's generator), with every 10th item replaced by an item of the
// shipped rule tests (a positive, with its summary, and 1 KB of text after it) so the shipped rules match
// some of them. Deterministic for a seed.
import type { FeedEntry } from '../test/worker/helpers/feeds.js';
import { shippedTestItems } from '../test/worker/helpers/watchbook.js';
import { buildVocab, generateCorpus } from './corpus.js';
import { Rng } from './prng.js';

export interface WorkerCorpus {
  feeds: Map<string, FeedEntry[]>;
  items: number;
  /** Mean bytes of title and description, as served (before XML escaping). */
  meanBytes: number;
}

export const sourceId = (n: number): string => `bench-${String(n).padStart(3, '0')}`;

/** `round` > 0 names a later batch of the same sources: other items under other guids and links. */
export function workerCorpus(
  sources: number,
  perSource: number,
  seed = 20_260_101,
  now = Date.now(),
  round = 0,
): WorkerCorpus {
  const tag = round > 0 ? `r${round}-` : '';
  const rng = new Rng(seed);
  const generated = generateCorpus(rng, buildVocab(rng), sources * perSource);
  const { positive } = shippedTestItems();
  const feeds = new Map<string, FeedEntry[]>();
  let bytes = 0;
  let k = 0;
  for (let s = 0; s < sources; s++) {
    const entries: FeedEntry[] = [];
    for (let i = 0; i < perSource; i++, k++) {
      const g = generated[k]!;
      let title = g.title;
      let summary = `${g.summary} ${g.content}`;
      if (k % 10 === 0) {
        const p = positive[(k / 10) % positive.length]!;
        title = p.title;
        summary = `${p.summary ?? ''} ${g.content}`.trim();
      }
      bytes += Buffer.byteLength(title) + Buffer.byteLength(summary);
      entries.push({
        guid: `${sourceId(s)}-${tag}${i}`,
        title,
        summary,
        link: `http://news.example.org/${sourceId(s)}/${tag}${i}`,
        // Within the last day, newest first, so no date is in the future and all evidence is current.
        published: new Date(now - 60_000 - (i * sources + s) * 10_000),
      });
    }
    feeds.set(sourceId(s), entries);
  }
  return { feeds, items: sources * perSource, meanBytes: bytes / (sources * perSource) };
}
