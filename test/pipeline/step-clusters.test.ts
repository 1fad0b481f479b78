// step() clusters evidence only: an item no rule matched is neither clustered nor remembered, so it cannot
// lend its fingerprint to a story nor link two stories, and the cluster ring reaches back over matches.
import { describe, expect, it } from 'vitest';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import { hammingDistance, NEAR_DUPLICATE_BITS, toItem } from '../../src/items/index.js';
import { emptyPicture, step } from '../../src/pipeline/step.js';
import { Matcher } from '../../src/rules/index.js';

const wb = loadWatchbookOrThrow(new URL('../../config/', import.meta.url).pathname);
const matcher = new Matcher(wb.rules, wb.cues);
const NOW = Date.UTC(2026, 2, 2, 12);
const source = (id: string) => wb.sources.find((s) => s.id === id)!;
const [kiis, other] = [source('kiis-reports'), source('kyiv-independent')];

const item = (source: typeof kiis, guid: string, title: string) =>
  toItem({ guid, title, published: new Date(NOW - 60_000).toISOString() }, source, new Date(NOW))!;

describe('step clusters', () => {
  const poll = 'KIIS poll: most Ukrainians reject territorial concessions in any peace deal';
  // Near-duplicates: one no rule matches (no stance taken), then two that match, from two sources.
  const unmatched = item(
    kiis,
    'a',
    'KIIS poll: most Ukrainians divided over territorial concessions in any peace deal',
  );
  const first = item(kiis, 'b', poll);
  const copy = item(other, 'c', 'KIIS: most Ukrainians reject territorial concessions in any peace deal');
  const weather = item(other, 'd', 'Weather in Kyiv: a cold week ahead with snow on Thursday');

  it('the items are what the tests need: three near-duplicates, two of them matched, and one item apart', () => {
    expect(matcher.match(unmatched)).toEqual([]);
    expect(matcher.match(weather)).toEqual([]);
    expect(matcher.match(first).length).toBeGreaterThan(0);
    expect(matcher.match(copy).length).toBeGreaterThan(0);
    expect(hammingDistance(first.fingerprint, copy.fingerprint)).toBeLessThanOrEqual(NEAR_DUPLICATE_BITS);
    expect(hammingDistance(unmatched.fingerprint, first.fingerprint)).toBeLessThanOrEqual(NEAR_DUPLICATE_BITS);
  });

  it('gives fingerprints for matched items only, and the copies of a matched story one cluster', () => {
    const result = step(emptyPicture(wb), [unmatched, weather, first, copy], wb, matcher, NOW);
    expect(result.fingerprints.map((f) => f.fingerprint)).toEqual([first.fingerprint, copy.fingerprint]);
    const clusters = new Set(result.evidence.map((e) => e.cluster));
    expect([...clusters]).toEqual([first.fingerprint.toLowerCase()]);
  });

  it('an item no rule matched earlier does not name the cluster of the story that later matches', () => {
    const picture = emptyPicture(wb);
    const before = step(picture, [unmatched], wb, matcher, NOW - 1_000);
    expect(before.fingerprints).toEqual([]);
    const after = step(picture, [first], wb, matcher, NOW);
    expect(new Set(after.evidence.map((e) => e.cluster))).toEqual(new Set([first.fingerprint.toLowerCase()]));
  });
});
