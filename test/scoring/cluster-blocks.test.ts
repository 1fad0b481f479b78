// The block index of fingerprints (scoring/fingerprint-blocks.ts) and a large ClusterIndex that looks up
// through it, checked against a plain nearest-neighbour search over what the index should still hold.
import { describe, expect, it } from 'vitest';
import { NEAR_DUPLICATE_BITS } from '../../src/items/index.js';
import { BLOCK_INDEX_FROM, ClusterIndex, fingerprintDistance } from '../../src/scoring/cluster.js';
import { FingerprintBlocks } from '../../src/scoring/fingerprint-blocks.js';

/** A small deterministic generator (xorshift32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

const hex = (hi: number, lo: number) =>
  (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
const halvesOf = (fp: string): [number, number] => [
  Number.parseInt(fp.slice(0, 8), 16) | 0,
  Number.parseInt(fp.slice(8), 16) | 0,
];

/** `fp` with the given bits of its high and low halves flipped (bit 0 the least significant). */
function flip(fp: string, hiBits: number[], loBits: number[]): string {
  let [hi, lo] = halvesOf(fp);
  for (const b of hiBits) hi ^= 1 << b;
  for (const b of loBits) lo ^= 1 << b;
  return hex(hi, lo);
}

/** A fingerprint near `fp`: `bits` distinct random bits flipped. */
function near(fp: string, bits: number, next: () => number): string {
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(next() % 64);
  const all = [...chosen];
  return flip(
    fp,
    all.filter((b) => b >= 32).map((b) => b - 32),
    all.filter((b) => b < 32),
  );
}

interface Entry {
  cluster: string;
  fingerprint: string;
  at: number;
}

/** What ClusterIndex.assign must answer: the nearest of `live` within maxBits, the smaller id on a tie. */
function nearest(fp: string, live: readonly Entry[], maxBits: number): string {
  let best: string | undefined;
  let bestBits = maxBits;
  for (const e of live) {
    const bits = fingerprintDistance(fp, e.fingerprint);
    if (bits < bestBits || (bits === bestBits && (best === undefined || e.cluster < best))) {
      best = e.cluster;
      bestBits = bits;
    }
  }
  return best ?? fp;
}

describe('FingerprintBlocks', () => {
  it('makes 447 lookups at NEAR_DUPLICATE_BITS: four 13-bit blocks and one 12-bit block, 2 bits around each key', () => {
    expect(NEAR_DUPLICATE_BITS).toBe(14);
    expect(FingerprintBlocks.lookups(14)).toBe(4 * (1 + 13 + 78) + (1 + 12 + 66));
    expect(FingerprintBlocks.lookups(4)).toBe(5);
    expect(FingerprintBlocks.lookups(-1)).toBe(0);
  });

  it('names every slot within maxBits, exactly at the distance too, and no slot it was told to forget', () => {
    const next = rng(7);
    const capacity = 600;
    const blocks = new FingerprintBlocks(capacity, 14);
    const held = new Map<number, string>();
    const put = (slot: number, fp: string) => {
      const old = held.get(slot);
      if (old !== undefined) blocks.remove(slot, ...halvesOf(old));
      blocks.insert(slot, ...halvesOf(fp));
      held.set(slot, fp);
    };
    const base = hex(next(), next());
    for (let slot = 0; slot < capacity; slot++)
      put(slot, slot % 3 === 0 ? near(base, slot % 17, next) : hex(next(), next()));
    // Slots reused (a ring wrapping) and slots emptied (forgotten), from the middle of chains too.
    for (let slot = 0; slot < capacity; slot += 7) put(slot, near(base, (slot % 15) + 1, next));
    for (let slot = 1; slot < capacity; slot += 11) {
      blocks.remove(slot, ...halvesOf(held.get(slot)!));
      held.delete(slot);
    }
    for (const query of [base, near(base, 3, next), near(base, 14, next), hex(next(), next())]) {
      const { slots, count } = blocks.candidates(...halvesOf(query));
      const named = new Set(slots.subarray(0, count));
      for (const [slot, fp] of held)
        if (fingerprintDistance(query, fp) <= 14) expect(named.has(slot), `slot ${slot}`).toBe(true);
      for (const slot of named) expect(held.has(slot), `forgotten slot ${slot}`).toBe(true);
    }
  });

  it('finds a fingerprint 14 bits away whose only close block differs in 2 bits (3+3+3+3+2)', () => {
    const blocks = new FingerprintBlocks(4, 14);
    const fp = '0123456789abcdef';
    // Blocks 0 and 1 in the high half (bits 0-12, 13-25), 2 and 3 in the low half, 4 the top 6 bits of both.
    const at14 = flip(fp, [0, 1, 2, 13, 14, 15, 26], [0, 1, 2, 13, 14, 15, 26]);
    const at15 = flip(fp, [0, 1, 2, 13, 14, 15, 26, 27], [0, 1, 2, 13, 14, 15, 26]);
    expect(fingerprintDistance(fp, at14)).toBe(14);
    expect(fingerprintDistance(fp, at15)).toBe(15);
    blocks.insert(0, ...halvesOf(at14));
    blocks.insert(1, ...halvesOf(at15));
    const { slots, count } = blocks.candidates(...halvesOf(fp));
    expect([...slots.subarray(0, count)]).toEqual([0]);
  });
});

describe('ClusterIndex with its block index', () => {
  const capacity = BLOCK_INDEX_FROM;

  it('clusters a long stream as the plain search does, through wrap-around, ties and forgetting', () => {
    const next = rng(2026);
    const stories = Array.from({ length: 40 }, () => hex(next(), next()));
    const index = new ClusterIndex([], NEAR_DUPLICATE_BITS, capacity);
    let live: Entry[] = [];
    let disagreements = 0;
    let joined = 0;
    for (let n = 0; n < 4 * capacity; n++) {
      const at = n;
      if (n % 500 === 499) {
        // A fold forgets what aged out of its lookback.
        index.forgetBefore(at - 300);
        live = live.filter((e) => e.at >= at - 300);
      }
      // The stories, then copies of them 1 to 16 bits away (around the threshold too) among unrelated items.
      const story = stories[next() % stories.length]!;
      const fp =
        n < stories.length ? stories[n]! : n % 4 === 0 ? near(story, 1 + (next() % 16), next) : hex(next(), next());
      const expected = nearest(fp, live, NEAR_DUPLICATE_BITS);
      const cluster = index.assign(fp, at);
      if (cluster !== expected) disagreements++;
      if (cluster !== fp) joined++;
      live.push({ cluster: expected, fingerprint: fp, at });
      if (live.length > capacity) live.shift();
      expect(index.length).toBe(live.length);
    }
    expect(disagreements).toBe(0);
    // The stream must have exercised joining, or the comparison above says little.
    expect(joined).toBeGreaterThan(200);
  });

  it('finds a twin exactly NEAR_DUPLICATE_BITS away, and not one a bit further', () => {
    const next = rng(5);
    const fp = '0123456789abcdef';
    const at14 = flip(fp, [0, 1, 2, 13, 14, 15, 26], [0, 1, 2, 13, 14, 15, 26]);
    const at15 = flip(fp, [0, 1, 2, 13, 14, 15, 26, 27], [0, 1, 2, 13, 14, 15, 26]);
    const others = Array.from({ length: capacity - 1 }, () => ({ cluster: 'X', fingerprint: hex(next(), next()) }));
    // Far more held than the index looks up, so it answers through the blocks.
    expect(capacity).toBeGreaterThan(FingerprintBlocks.lookups(NEAR_DUPLICATE_BITS));
    expect(new ClusterIndex([{ cluster: 'TWIN', fingerprint: at14 }, ...others], 14, capacity).assign(fp)).toBe('TWIN');
    expect(new ClusterIndex([{ cluster: 'FAR', fingerprint: at15 }, ...others], 14, capacity).assign(fp)).not.toBe(
      'FAR',
    );
  });

  it('on a tie takes the smaller cluster id, whichever came first', () => {
    const next = rng(9);
    const fp = '0123456789abcdef';
    const a = flip(fp, [3], []);
    const b = flip(fp, [], [3]);
    const others = Array.from({ length: capacity - 2 }, () => ({ cluster: 'X', fingerprint: hex(next(), next()) }));
    const ab = [{ cluster: 'A', fingerprint: a }, { cluster: 'B', fingerprint: b }, ...others];
    const ba = [{ cluster: 'B', fingerprint: b }, { cluster: 'A', fingerprint: a }, ...others];
    expect(new ClusterIndex(ab, 14, capacity).assign(fp)).toBe('A');
    expect(new ClusterIndex(ba, 14, capacity).assign(fp)).toBe('A');
  });

  it('forgets a twin pushed out by capacity or by forgetBefore', () => {
    const next = rng(11);
    const twin = '00000000000000ff';
    const index = new ClusterIndex([], 4, capacity);
    const first = index.assign(twin, 0);
    for (let i = 1; i < capacity; i++) index.assign(hex(next(), next()), i);
    expect(index.assign('00000000000000fe', capacity)).toBe(first);
    // The twin's slot is reused now: a near copy of it finds only the copy just assigned.
    index.assign(hex(next(), next()), capacity + 1);
    index.forgetBefore(capacity + 1);
    expect(index.length).toBe(1);
    expect(index.assign('00000000000000fc', capacity + 2)).toBe('00000000000000fc');
  });
});
