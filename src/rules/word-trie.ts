// The first words of all terms in one trie over UTF-16 code units, walked by the tokenizer while it reads
// each word (see tokenize.ts), so finding the terms a word starts costs a table probe per character, and
// usually stops after the first character or two. Transitions live in one open-addressing table of
// typed arrays rather than a Map per node: on the hot path that is several times faster.

const EMPTY = -1;
const NONE: readonly number[] = [];

export class WordTrie {
  private size = 1;
  private keys = new Float64Array(1024).fill(EMPTY);
  private values = new Int32Array(1024);
  private mask = 1023;
  private readonly exact: number[][] = [[]];
  private readonly prefix: number[][] = [[]];
  /** Per node: ids of the prefix terms along its path (`partial`), and those plus its exact terms (`full`). */
  private partial: (readonly number[])[] = [];
  private full: (readonly number[])[] = [];

  add(word: string, isPrefix: boolean, termId: number): void {
    let node = 0;
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i);
      let next = this.step(node, c);
      if (next < 0) next = this.insert(node, c);
      node = next;
    }
    (isPrefix ? this.prefix : this.exact)[node]!.push(termId);
  }

  /** Call once after the last add: fold each node's path into its lists. */
  freeze(): this {
    const parent = new Int32Array(this.size).fill(-1);
    for (let slot = 0; slot <= this.mask; slot++) {
      const key = this.keys[slot]!;
      if (key !== EMPTY) parent[this.values[slot]!] = Math.floor(key / 65536);
    }
    // Nodes are numbered as created, so a parent always comes before its children.
    this.partial = new Array<readonly number[]>(this.size);
    this.full = new Array<readonly number[]>(this.size);
    for (let node = 0; node < this.size; node++) {
      const up = parent[node]! >= 0 ? this.partial[parent[node]!]! : NONE;
      const own = this.prefix[node]!;
      const partial = own.length ? [...up, ...own] : up;
      const exact = this.exact[node]!;
      this.partial[node] = partial;
      this.full[node] = exact.length ? [...partial, ...exact] : partial;
    }
    return this;
  }

  /** The child of `node` along code unit `c`, or -1. Node 0 is the root. */
  step(node: number, c: number): number {
    const key = node * 65536 + c;
    for (let slot = this.slotOf(node, c); ; slot = (slot + 1) & this.mask) {
      const k = this.keys[slot]!;
      if (k === key) return this.values[slot]!;
      if (k === EMPTY) return -1;
    }
  }

  /**
   * Term ids for a word the tokenizer walked: `state` is (deepest node reached) * 2, plus 1 when the walk
   * covered the whole word, as tokenize() reports it.
   */
  terms(state: number): readonly number[] {
    return (state & 1 ? this.full : this.partial)[state >> 1] ?? NONE;
  }

  private slotOf(node: number, c: number): number {
    return (Math.imul(node, 0x9e3779b1) ^ Math.imul(c, 0x85ebca6b)) & this.mask;
  }

  private insert(node: number, c: number): number {
    if ((this.size + 1) * 2 > this.mask) this.grow();
    const child = this.size++;
    this.exact.push([]);
    this.prefix.push([]);
    let slot = this.slotOf(node, c);
    while (this.keys[slot] !== EMPTY) slot = (slot + 1) & this.mask;
    this.keys[slot] = node * 65536 + c;
    this.values[slot] = child;
    return child;
  }

  private grow(): void {
    const { keys, values } = this;
    this.mask = keys.length * 2 - 1;
    this.keys = new Float64Array(keys.length * 2).fill(EMPTY);
    this.values = new Int32Array(keys.length * 2);
    for (let s = 0; s < keys.length; s++) {
      if (keys[s] === EMPTY) continue;
      const key = keys[s]!;
      let slot = this.slotOf(Math.floor(key / 65536), key % 65536);
      while (this.keys[slot] !== EMPTY) slot = (slot + 1) & this.mask;
      this.keys[slot] = key;
      this.values[slot] = values[s]!;
    }
  }
}
