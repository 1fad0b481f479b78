// Near-duplicate clustering: the same story from several outlets becomes one piece of evidence. Items carry
// a 64-bit SimHash fingerprint as 16 hex digits (items/simhash.ts); copies of a story sit a few bits apart.
// Stages do not import each other, so the Hamming distance is computed here again (a popcount, no more).

import { FingerprintBlocks } from './fingerprint-blocks.js';

const FINGERPRINT = /^[\da-f]{16}$/i;

function checked(fingerprint: string): string {
  if (!FINGERPRINT.test(fingerprint)) {
    throw new RangeError(`scoring: a fingerprint is 16 hex digits, got ${JSON.stringify(fingerprint)}`);
  }
  return fingerprint.toLowerCase();
}

/** How many of the 64 bits differ between two fingerprints (16 hex digits each, read as two 32-bit halves). */
export function fingerprintDistance(a: string, b: string): number {
  const [xh, xl] = halves(a);
  const [yh, yl] = halves(b);
  return distance(xh, xl, yh, yl);
}

// Clustering reads thousands of stored fingerprints at every step: each is parsed by hand, checked on the
// way, without the slices and the regular expression of checked().
function halves(fingerprint: string): [number, number] {
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 16; i++) {
    const c = fingerprint.charCodeAt(i);
    const l = c | 32;
    const v = c >= 48 && c <= 57 ? c - 48 : l >= 97 && l <= 102 ? l - 87 : -1;
    if (v < 0) return halves(checked(fingerprint));
    if (i < 8) hi = hi * 16 + v;
    else lo = lo * 16 + v;
  }
  if (fingerprint.length !== 16) return halves(checked(fingerprint));
  return [hi, lo];
}

/** From this capacity on, an index keeps its fingerprints in a block index too (fingerprint-blocks.ts). */
export const BLOCK_INDEX_FROM = 1_024;

/** The 64-bit Hamming distance of (h1, l1) and (h2, l2): both halves counted at once, without branches. */
function distance(h1: number, l1: number, h2: number, l2: number): number {
  let x = h1 ^ h2;
  let y = l1 ^ l2;
  x -= (x >>> 1) & 0x55555555;
  y -= (y >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  y = (y & 0x33333333) + ((y >>> 2) & 0x33333333);
  // Each byte of x and of y counts at most 8 bits, so their sum fits a byte and one multiply adds all four.
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  y = (y + (y >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x + y, 0x01010101) >>> 24;
}

/**
 * The newest clustered fingerprints, at most `capacity`, for clustering a batch item by item: each item is
 * compared with at most `capacity` others however large the batch, so a 100,000-item feed costs 100,000 x
 * capacity comparisons, not 100,000 squared. Fingerprints sit as 32-bit halves in a ring, parsed once.
 * Nearest wins as in assignCluster; a near-duplicate more than `capacity` items back starts a new cluster.
 * A fold keeps one index from step to step (pipeline/step.ts) and forgets what is older than its lookback.
 *
 * A large index also chains its slots by fingerprint blocks, and an item is compared with the few slots
 * its blocks' lookups name rather than with all of them, once there are more slots than lookups: the
 * same answer (every slot near enough is named), at a cost that does not grow with the capacity.
 */
export class ClusterIndex {
  // Int32, as the XORs read them: a half above 2^31 would otherwise be a heap number in every comparison.
  private readonly hi: Int32Array;
  private readonly lo: Int32Array;
  private readonly ats: Float64Array;
  private readonly clusters: string[] = [];
  private readonly blocks: FingerprintBlocks | undefined;
  private readonly lookups: number;
  /** The live entries are the ring's `size` slots from `start` on, oldest first. */
  private start = 0;
  private size = 0;

  /** `recent` newest first, as the store lists them; an entry without `at` is never forgotten. */
  constructor(
    recent: readonly { cluster: string; fingerprint: string; at?: number }[],
    private readonly maxBits: number,
    private readonly capacity: number,
  ) {
    this.hi = new Int32Array(capacity);
    this.lo = new Int32Array(capacity);
    this.ats = new Float64Array(capacity);
    this.lookups = FingerprintBlocks.lookups(maxBits);
    // A small index is scanned whole; so is one whose lookups would outnumber its slots (a wide maxBits).
    this.blocks =
      capacity >= BLOCK_INDEX_FROM && this.lookups < capacity ? new FingerprintBlocks(capacity, maxBits) : undefined;
    for (let i = Math.min(recent.length, capacity) - 1; i >= 0; i--)
      this.add(recent[i]!.fingerprint, recent[i]!.cluster, recent[i]!.at ?? Infinity);
  }

  /** How many fingerprints an item is compared with, at most. */
  get length(): number {
    return this.size;
  }

  /** The item's cluster (as assignCluster), remembered for the items after it as seen at `at`. */
  assign(fingerprint: string, at = Infinity): string {
    const own = checked(fingerprint);
    const [uh, ul] = halves(own);
    const h = uh | 0;
    const l = ul | 0;
    const slot = this.blocks && this.size > this.lookups ? this.nearestOf(h, l) : this.nearestInRing(h, l);
    const cluster = slot < 0 ? own : this.clusters[slot]!;
    this.add(own, cluster, at);
    return cluster;
  }

  /**
   * Forget the fingerprints seen before `since` (the store lists only those since), oldest first: in a
   * fold, times only grow, so the oldest sit at the ring's start.
   */
  forgetBefore(since: number): void {
    while (this.size > 0 && this.ats[this.start]! < since) {
      this.blocks?.remove(this.start, this.hi[this.start]!, this.lo[this.start]!);
      this.start = (this.start + 1) % this.capacity;
      this.size--;
    }
  }

  /**
   * Remember a fingerprint another step clustered (a worker catching up on the picture log). Entries come
   * roughly in time order; one a little older than the newest is forgotten a little late, never early.
   */
  remember(entry: { cluster: string; fingerprint: string; at: number }): void {
    this.add(checked(entry.fingerprint), entry.cluster, entry.at);
  }

  /**
   * The slot of the nearest live fingerprint at most maxBits from (h, l), the smaller cluster id on a tie
   * (so the answer does not depend on the order slots are met in, nor on meeting one twice); -1 if none.
   */
  private nearestOf(h: number, l: number): number {
    const { hi, lo, clusters } = this;
    const { slots, count } = this.blocks!.candidates(h, l);
    let best = -1;
    let bestBits = this.maxBits;
    for (let n = 0; n < count; n++) {
      const i = slots[n]!;
      const bits = distance(hi[i]!, lo[i]!, h, l);
      if (bits > bestBits || (bits === bestBits && best >= 0 && clusters[i]! >= clusters[best]!)) continue;
      best = i;
      bestBits = bits;
    }
    return best;
  }

  /** nearestOf by a scan of every live slot. */
  private nearestInRing(h: number, l: number): number {
    const { hi, lo, clusters, size, start, capacity } = this;
    let best = -1;
    let bestBits = this.maxBits;
    // The live slots as at most two runs of the ring.
    for (let run = 0; run < 2; run++) {
      const from = run === 0 ? start : 0;
      const to = run === 0 ? Math.min(start + size, capacity) : Math.max(0, start + size - capacity);
      for (let i = from; i < to; i++) {
        // Most stored fingerprints are another story, half their bits apart: one rarely taken branch.
        const bits = distance(hi[i]!, lo[i]!, h, l);
        if (bits > bestBits || (bits === bestBits && best >= 0 && clusters[i]! >= clusters[best]!)) continue;
        best = i;
        bestBits = bits;
      }
    }
    return best;
  }

  private add(fingerprint: string, cluster: string, at: number): void {
    if (this.capacity === 0) return;
    const [uh, ul] = halves(fingerprint);
    const h = uh | 0;
    const l = ul | 0;
    const slot = (this.start + this.size) % this.capacity;
    if (this.size < this.capacity) this.size++;
    else {
      this.blocks?.remove(slot, this.hi[slot]!, this.lo[slot]!);
      this.start = (this.start + 1) % this.capacity;
    }
    this.hi[slot] = h;
    this.lo[slot] = l;
    this.ats[slot] = at;
    this.clusters[slot] = cluster;
    this.blocks?.insert(slot, h, l);
  }
}

/**
 * The cluster of an item: the cluster of its nearest neighbour among `recent` (items already clustered)
 * when that neighbour is at most `maxBits` away, else a new cluster whose id is the item's own fingerprint
 * in lower case, so that a rerun assigns the same id.
 *
 * Nearest wins, not first: a story close to two clusters joins the one it is most like; on a tie, the
 * smaller cluster id, so the answer does not depend on the order of `recent`. This is single-link
 * clustering, so a chain of rewrites can stretch a cluster; how far is bounded by what `recent` holds
 * (the caller's window, e.g. the last few half-lives of items).
 */
export function assignCluster(
  fingerprint: string,
  recent: readonly { cluster: string; fingerprint: string }[],
  maxBits: number,
): string {
  return new ClusterIndex(recent, maxBits, recent.length).assign(fingerprint);
}
