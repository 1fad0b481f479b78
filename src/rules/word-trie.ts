// The first words of all terms in one trie over UTF-16 code units, walked by the tokenizer while it reads
// each word (see tokenize.ts), so finding the terms a word starts costs a step per character, and usually
// stops after the first few. The frozen trie is a double array: the characters the terms use are numbered
// 1..n, and the child of a node along character c sits at base[node] + code[c], where check[] confirms the
// parent. A step is a read of the character's class and of one base/check pair, with no hashing: the walk
// runs on every character of every item, so this is the matcher's hottest loop after tokenizing itself.

import { pack, type Packed } from './packed.js';

const NONE: readonly number[] = [];
const ROOT = 0;
/** How many slots a node tries before it goes past the last used one. */
const PLACEMENT_TRIES = 32;

interface BuildNode {
  children: Map<number, BuildNode>;
  exact: number[];
  prefix: number[];
}

const newNode = (): BuildNode => ({ children: new Map(), exact: [], prefix: [] });

export class WordTrie {
  private root: BuildNode | undefined = newNode();
  /** Per code unit: its number in the trie's alphabet, 0 for a character no term uses. */
  private code = new Uint16Array(0x10000);
  /** Per code unit, its class for the tokenizer's walk (see charClass in tokenize.ts). */
  readonly classes = new Uint16Array(0x10000);
  /**
   * base and check of node n side by side, at 2n and 2n + 1: a step reads the child's check and, for the
   * next step, its base from one cache line.
   */
  cells = Int32Array.of(0, -1);
  /**
   * Term ids by walk state (see terms()): for node n, list 2n holds the prefix terms along its path, and
   * list 2n + 1 those plus the node's exact terms. Packed flat, so a word costs two reads of `start`
   * whether or not it starts a term, and no pointer is followed.
   */
  private lists: Packed = pack([]);

  add(word: string, isPrefix: boolean, termId: number): void {
    if (!this.root) throw new Error('WordTrie: add after freeze');
    let node = this.root;
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i);
      let next = node.children.get(c);
      if (!next) node.children.set(c, (next = newNode()));
      node = next;
    }
    (isPrefix ? node.prefix : node.exact).push(termId);
  }

  /**
   * Call once after the last add: lay the trie out as a double array and fold each node's path into its
   * lists. `classOf` gives the tokenizer's class of a code unit from its number in the alphabet (charClass
   * in tokenize.ts, which knows what a word character is).
   */
  freeze(classOf: (c: number, letter: number) => number): this {
    const root = this.root;
    if (!root) return this;
    this.root = undefined;

    // The alphabet: every code unit on some edge, numbered in order of first use.
    let letters = 0;
    const visit = (n: BuildNode) => {
      for (const [c, child] of n.children) {
        if (this.code[c] === 0) this.code[c] = ++letters;
        visit(child);
      }
    };
    visit(root);
    for (let c = 0; c < 0x10000; c++) this.classes[c] = classOf(c, this.code[c]!);

    // Place nodes breadth first; each node's children go at the first base where all their slots are free.
    let capacity = 1024;
    let base = new Int32Array(capacity);
    let check = new Int32Array(capacity).fill(-1);
    const ensure = (size: number) => {
      if (size <= capacity) return;
      while (capacity < size) capacity *= 2;
      const b = new Int32Array(capacity);
      b.set(base);
      const c = new Int32Array(capacity).fill(-1);
      c.set(check);
      base = b;
      check = c;
    };
    check[ROOT] = ROOT;
    let firstFree = 1;
    let wideFrom = 1;
    let last = ROOT;
    const partial: (readonly number[])[] = [];
    const full: (readonly number[])[] = [];
    const lists = (at: number, n: BuildNode, up: readonly number[]) => {
      const p = n.prefix.length ? [...up, ...n.prefix] : up;
      partial[at] = p;
      full[at] = n.exact.length ? [...p, ...n.exact] : p;
    };
    lists(ROOT, root, NONE);
    const queue: [number, BuildNode][] = [[ROOT, root]];
    for (let q = 0; q < queue.length; q++) {
      const [at, n] = queue[q]!;
      if (n.children.size === 0) continue;
      const codes = [...n.children.keys()].map((c) => this.code[c]!);
      while (firstFree < capacity && check[firstFree] !== -1) firstFree++;
      ensure(firstFree + 1);
      // From the first free slot (a node with several children: from where the last such node went), try a
      // few places, then settle past the last used slot. Searching every hole would make building quadratic;
      // the holes left behind are filled by the many one-child nodes deeper in the trie.
      const lowest = Math.min(...codes);
      const wide = codes.length > 1;
      let slot = Math.max(wide ? wideFrom : firstFree, lowest);
      for (let tries = 0; ; slot++, tries++) {
        if (tries === PLACEMENT_TRIES) slot = Math.max(last + 1, lowest);
        ensure(slot + letters + 1);
        if (check[slot] === -1 && codes.every((k) => check[slot - lowest + k] === -1)) break;
      }
      if (wide) wideFrom = slot + 1;
      const b = slot - lowest;
      base[at] = b;
      for (const [c, child] of n.children) {
        const slot = b + this.code[c]!;
        check[slot] = at;
        last = Math.max(last, slot);
        lists(slot, child, partial[at]!);
        queue.push([slot, child]);
      }
    }
    // Room for base + any code of the last node, so a step never reads past the end.
    const size = last + letters + 2;
    ensure(size);
    this.cells = new Int32Array(size * 2);
    for (let n = 0; n < size; n++) {
      this.cells[2 * n] = base[n]!;
      this.cells[2 * n + 1] = check[n]!;
    }
    this.lists = pack(Array.from({ length: size * 2 }, (_, s) => (s & 1 ? full : partial)[s >> 1] ?? NONE));
    return this;
  }

  /**
   * Walk the word text[start, end) (normalized, as the tokenizer found it) from the root: the state that
   * first() and termIds read, as scanTermWords reports it for the words it walks.
   */
  walk(text: string, start: number, end: number): number {
    let node = ROOT;
    for (let i = start; i < end; i++) {
      const next = this.step(node, text.charCodeAt(i));
      if (next < 0) return node * 2;
      node = next;
    }
    return node * 2 + 1;
  }

  /** The child of `node` along code unit `c`, or -1. Node 0 is the root. */
  step(node: number, c: number): number {
    const k = this.code[c]!;
    if (k === 0) return -1;
    const t = this.cells[2 * node]! + k;
    return this.cells[2 * t + 1] === node ? t : -1;
  }

  /**
   * Term ids for a word the tokenizer walked: `state` is (deepest node reached) * 2, plus 1 when the walk
   * covered the whole word, as scanTermWords (tokenize.ts) reports it. The ids are termIds[first(state)] up to
   * termIds[first(state + 1)]; the matcher reads them in place.
   */
  first(state: number): number {
    return this.lists.start[state]!;
  }

  get termIds(): Int32Array {
    return this.lists.items;
  }

  /** The same ids as a list (for tests and tools; the matcher reads them in place). */
  terms(state: number): readonly number[] {
    return [...this.lists.items.subarray(this.first(state), this.first(state + 1))];
  }
}
