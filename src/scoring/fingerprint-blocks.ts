// A multi-index of 64-bit fingerprints by blocks (Norouzi, Punjani & Fleet, "Fast Search in Hamming Space
// with Multi-Index Hashing", CVPR 2012), for the cluster index (cluster.ts): it names the few slots an item
// needs to be compared with instead of all of them.
//
// The 64 bits are cut into BLOCKS blocks. Two fingerprints at most `maxBits` apart differ in at most
// floor(maxBits / BLOCKS) bits in one block at least (else every block differs in more, and the total is
// above maxBits), so looking up, in each block's table, every key within that many bits of the item's own
// key finds every fingerprint near enough, and few others: with NEAR_DUPLICATE_BITS = 14 that is 447
// lookups in tables of 8,192 keys, against 5,000 comparisons for a scan of a full ring.
//
//   hi: |31 .. 26|25 ....... 13|12 ........ 0|     lo: |31 .. 26|25 ....... 13|12 ........ 0|
//        block 4    block 1       block 0                block 4    block 3       block 2

const BLOCKS = 5;
/** Keys per block table: blocks 0 to 3 are 13 bits wide, block 4 (the two top 6 bits) 12. */
const TABLE = 1 << 13;
const WIDTHS = [13, 13, 13, 13, 12] as const;

/** A fingerprint's key in block `b`. */
function keyOf(b: number, hi: number, lo: number): number {
  switch (b) {
    case 0:
      return hi & 0x1fff;
    case 1:
      return (hi >>> 13) & 0x1fff;
    case 2:
      return lo & 0x1fff;
    case 3:
      return (lo >>> 13) & 0x1fff;
    default:
      return ((hi >>> 26) << 6) | (lo >>> 26);
  }
}

const masks = new Map<string, Int32Array>();

/** Every `width`-bit value with at most `radius` bits set: what a key is XORed with to reach its neighbours. */
function masksOf(width: number, radius: number): Int32Array {
  const name = `${width}:${radius}`;
  let found = masks.get(name);
  if (!found) {
    const list: number[] = [];
    for (let m = 0; m < 1 << width; m++) {
      let bits = 0;
      for (let x = m; x !== 0; x &= x - 1) bits++;
      if (bits <= radius) list.push(m);
    }
    masks.set(name, (found = Int32Array.from(list)));
  }
  return found;
}

/**
 * Slots 0 to capacity-1, each holding one fingerprint as two 32-bit halves or none, chained per block key
 * (doubly linked, so a slot the ring reuses or forgets leaves its chains at once).
 */
export class FingerprintBlocks {
  /** Per block, the first slot of each key's chain, -1 when none. */
  private readonly heads = new Int32Array(BLOCKS * TABLE).fill(-1);
  /** Per block and slot, the next and previous slot in the slot's chain, -1 at either end. */
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  /** Per block, what its key is XORed with to reach every key within the radius. */
  private readonly near: Int32Array[];
  private found: Int32Array = new Int32Array(256);

  /** Slots 0 to capacity-1, looked up for fingerprints at most `maxBits` (at least 0) apart. */
  constructor(
    private readonly capacity: number,
    maxBits: number,
  ) {
    this.next = new Int32Array(BLOCKS * capacity);
    this.prev = new Int32Array(BLOCKS * capacity);
    this.near = FingerprintBlocks.masks(maxBits);
  }

  /** How many table lookups candidates() makes for `maxBits`: past the ring's size, a scan is cheaper. */
  static lookups(maxBits: number): number {
    return FingerprintBlocks.masks(maxBits).reduce((sum, m) => sum + m.length, 0);
  }

  private static masks(maxBits: number): Int32Array[] {
    if (!(maxBits >= 0)) return WIDTHS.map(() => new Int32Array(0));
    const radius = Math.floor(maxBits / BLOCKS);
    return WIDTHS.map((w) => masksOf(w, Math.min(radius, w)));
  }

  /** Chain `slot`, which holds the fingerprint (hi, lo) and is in no chain. */
  insert(slot: number, hi: number, lo: number): void {
    const { heads, next, prev, capacity } = this;
    for (let b = 0; b < BLOCKS; b++) {
      const head = b * TABLE + keyOf(b, hi, lo);
      const at = b * capacity + slot;
      const first = heads[head]!;
      next[at] = first;
      prev[at] = -1;
      if (first >= 0) prev[b * capacity + first] = slot;
      heads[head] = slot;
    }
  }

  /** Unchain `slot`, which holds the fingerprint (hi, lo) and was inserted with it. */
  remove(slot: number, hi: number, lo: number): void {
    const { heads, next, prev, capacity } = this;
    for (let b = 0; b < BLOCKS; b++) {
      const at = b * capacity + slot;
      const before = prev[at]!;
      const after = next[at]!;
      if (before >= 0) next[b * capacity + before] = after;
      else heads[b * TABLE + keyOf(b, hi, lo)] = after;
      if (after >= 0) prev[b * capacity + after] = before;
    }
  }

  /**
   * The slots that may hold a fingerprint at most maxBits from (hi, lo): every one that does, some that
   * do not (the caller measures each), a slot at most once per block. Written to the returned array, valid
   * until the next call, in its first `count` places.
   */
  candidates(hi: number, lo: number): { slots: Int32Array; count: number } {
    const { heads, next, capacity, near } = this;
    let found = this.found;
    let count = 0;
    for (let b = 0; b < BLOCKS; b++) {
      const key = keyOf(b, hi, lo);
      const masks = near[b]!;
      const table = b * TABLE;
      const chain = b * capacity;
      for (let m = 0; m < masks.length; m++) {
        for (let slot = heads[table + (key ^ masks[m]!)]!; slot >= 0; slot = next[chain + slot]!) {
          if (count === found.length) found = this.grow();
          found[count++] = slot;
        }
      }
    }
    return { slots: found, count };
  }

  private grow(): Int32Array {
    const larger = new Int32Array(this.found.length * 2);
    larger.set(this.found);
    return (this.found = larger);
  }
}
