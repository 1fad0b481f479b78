import type { Hit, Match, MatchInput } from '../model/item.js';
import type { Field, Rule } from '../model/watchbook.js';
import { FIELDS } from '../model/watchbook.js';
import { ALL_FIELDS, type Near, type Node } from './expr.js';
import { compileRules, type CompiledRule, type WordIndex } from './compile.js';
import { normalizeText } from './normalize.js';
import type { Term } from './term.js';
import { tokenize, type Tokens } from './tokenize.js';

// A position is a field and a word index in one number, so `near` compares positions directly and never
// reaches across fields: words of different fields are FIELD_SPAN apart.
const FIELD_SPAN = 1 << 24;
const fieldOf = (pos: number) => Math.floor(pos / FIELD_SPAN);

// Words in news follow Zipf's law: a few thousand distinct words make up most text. Remembering which
// terms a word starts makes the usual lookup one Map.get; the cache is dropped when it grows past this.
const WORD_CACHE_LIMIT = 200_000;
const NO_TERMS: readonly number[] = [];

interface FieldText {
  field: Field;
  /** Where this field's positions start (see FIELD_SPAN). */
  base: number;
  normalized: string;
  tokens: Tokens;
}

/** The per-item state of one match call. */
class ItemState {
  readonly hits: (number[] | undefined)[];
  readonly regexDone = new Set<number>();
  /** The text a regex matched, by `${termId}:${position}`: a regex hit is not a run of whole words. */
  readonly regexText = new Map<string, string>();

  constructor(
    termCount: number,
    readonly fields: FieldText[],
  ) {
    this.hits = new Array<number[] | undefined>(termCount);
  }

  add(termId: number, pos: number): void {
    const list = this.hits[termId];
    if (list) list.push(pos);
    else this.hits[termId] = [pos];
  }
}

/** All rules of a watchbook compiled once; `match` reads an item and says which rules matched and why. */
export class Matcher {
  private readonly index: WordIndex;
  private readonly cache = new Map<string, readonly number[]>();

  constructor(rules: readonly Rule[]) {
    this.index = compileRules(rules);
  }

  get ruleCount(): number {
    return this.index.rules.length;
  }

  match(input: MatchInput): Match[] {
    const fields: FieldText[] = [];
    for (const field of FIELDS) {
      const text = input[field];
      if (text) {
        const normalized = normalizeText(text);
        fields.push({ field, base: FIELDS.indexOf(field) * FIELD_SPAN, normalized, tokens: tokenize(normalized) });
      }
    }
    const state = new ItemState(this.index.terms.length, fields);
    const touched: number[] = [];
    for (const { tokens, base } of fields) this.scanWords(tokens.words, base, state, touched);

    const candidates = new Set<number>(this.index.alwaysRules);
    for (const termId of touched) for (const r of this.index.rulesByTerm[termId]!) candidates.add(r);
    if (candidates.size === 0) return [];

    const matches: Match[] = [];
    for (const r of [...candidates].sort((a, b) => a - b)) {
      const compiled = this.index.rules[r]!;
      if (!passesFilter(compiled.rule, input)) continue;
      const uses: number[] = [];
      if (this.evaluate(compiled.node, state, uses)) matches.push(this.explain(compiled, state, uses));
    }
    return matches;
  }

  /** Record every term occurrence in one field; `touched` collects the ids of terms seen. */
  private scanWords(words: string[], base: number, state: ItemState, touched: number[]): void {
    const { terms } = this.index;
    for (let i = 0; i < words.length; i++) {
      const ids = this.termsStartingWith(words[i]!);
      for (let k = 0; k < ids.length; k++) {
        const id = ids[k]!;
        const term = terms[id]! as Extract<Term, { kind: 'words' }>;
        if (term.words.length > 1 && !phraseAt(term, words, i)) continue;
        if (state.hits[id] === undefined) touched.push(id);
        state.add(id, base + i);
      }
    }
  }

  private termsStartingWith(word: string): readonly number[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const { exact, prefix, prefixLengths } = this.index;
    let ids: number[] | undefined = exact.get(word)?.slice();
    for (const len of prefixLengths) {
      if (len > word.length) break;
      const more = prefix.get(word.slice(0, len));
      if (more) ids = ids ? ids.concat(more) : more.slice();
    }
    const result = ids ?? NO_TERMS;
    if (this.cache.size >= WORD_CACHE_LIMIT) this.cache.clear();
    this.cache.set(word, result);
    return result;
  }

  // Evaluation records the term occurrences that made each node hold in `uses`, a flat list of
  // (term id, position) pairs; a node that fails takes its own back off (uses.length = mark), so what is
  // left when a rule matches is exactly its explanation.

  private evaluate(node: Node, state: ItemState, uses: number[]): boolean {
    const mark = uses.length;
    const fail = () => {
      uses.length = mark;
      return false;
    };
    switch (node.t) {
      case 'term': {
        const positions = this.termPositions(node.id, node.mask, state);
        if (!positions) return false;
        for (const pos of positions) uses.push(node.id, pos);
        return true;
      }
      case 'all':
        return node.parts.every((part) => this.evaluate(part, state, uses)) || fail();
      case 'any': {
        let any = false;
        for (const part of node.parts) if (this.evaluate(part, state, uses)) any = true;
        return any;
      }
      case 'object': {
        if (!node.positive.every((part) => this.evaluate(part, state, uses))) return fail();
        if (node.near && !this.evaluateNear(node.near, state, uses, mark)) return fail();
        if (node.none && this.evaluate(node.none, state, [])) return fail();
        return true;
      }
    }
  }

  /** One of near.terms within near.within words of an anchor: near.of, or what the siblings used. */
  private evaluateNear(near: Near, state: ItemState, uses: number[], siblingsFrom: number): boolean {
    const terms: number[] = [];
    if (!this.evaluate(near.terms, state, terms)) return false;
    const anchors: number[] = near.of ? [] : uses.slice(siblingsFrom);
    if (near.of && !this.evaluate(near.of, state, anchors)) return false;
    const closeAnchors = new Set<number>();
    let found = false;
    for (let t = 0; t < terms.length; t += 2) {
      let close = false;
      for (let a = 0; a < anchors.length; a += 2) {
        if (this.gap(terms[t]!, terms[t + 1]!, anchors[a]!, anchors[a + 1]!) <= near.within) {
          close = true;
          closeAnchors.add(a);
        }
      }
      if (close) {
        uses.push(terms[t]!, terms[t + 1]!);
        found = true;
      }
    }
    if (near.of) for (const a of closeAnchors) uses.push(anchors[a]!, anchors[a + 1]!);
    return found;
  }

  /** Words between two occurrences (0 if they touch), Infinity across fields or for the same word. */
  private gap(idA: number, posA: number, idB: number, posB: number): number {
    if (posA === posB || fieldOf(posA) !== fieldOf(posB)) return Infinity;
    const endA = posA + this.wordLength(idA) - 1;
    const endB = posB + this.wordLength(idB) - 1;
    return Math.max(0, posB - endA, posA - endB);
  }

  private wordLength(id: number): number {
    const term = this.index.terms[id]!;
    return term.kind === 'words' ? term.words.length : 1;
  }

  private termPositions(id: number, mask: number, state: ItemState): number[] | null {
    const term = this.index.terms[id]!;
    if (term.kind === 'regex' && !state.regexDone.has(id)) {
      state.regexDone.add(id);
      for (const { base, normalized, tokens } of state.fields) {
        for (const m of normalized.matchAll(term.regex)) {
          const pos = base + wordAt(tokens, m.index);
          state.add(id, pos);
          state.regexText.set(`${id}:${pos}`, m[0]);
        }
      }
    }
    const all = state.hits[id];
    if (!all) return null;
    if (mask === ALL_FIELDS) return all;
    const some = all.filter((p) => (mask & (1 << fieldOf(p))) !== 0);
    return some.length ? some : null;
  }

  private explain(compiled: CompiledRule, state: ItemState, uses: number[]): Match {
    const { rule } = compiled;
    const used = new Map<string, [number, number]>();
    for (let u = 0; u < uses.length; u += 2) used.set(`${uses[u]}:${uses[u + 1]}`, [uses[u]!, uses[u + 1]!]);
    const ordered = [...used.values()].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
    const hits: Hit[] = ordered.map(([id, pos]) => {
      const field = FIELDS[fieldOf(pos)]!;
      const word = pos % FIELD_SPAN;
      const words = state.fields.find((f) => f.field === field)!.tokens.words;
      const text = state.regexText.get(`${id}:${pos}`) ?? words.slice(word, word + this.wordLength(id)).join(' ');
      return { term: compiled.positive.get(id)!, field, word, text };
    });
    const usedIds = new Set(ordered.map(([id]) => id));
    const terms = [...compiled.positive].filter(([id]) => usedIds.has(id)).map(([, written]) => written);
    return { rule: rule.id, indicator: rule.indicator, scenarios: { ...rule.evidence }, severity: rule.severity, terms, hits };
  }
}

function phraseAt(term: Extract<Term, { kind: 'words' }>, words: string[], at: number): boolean {
  if (at + term.words.length > words.length) return false;
  for (let j = 1; j < term.words.length; j++) {
    const want = term.words[j]!;
    const got = words[at + j]!;
    if (want.prefix ? !got.startsWith(want.text) : got !== want.text) return false;
  }
  return true;
}

/** Index of the word that contains a character offset, or of the next word when it falls between words. */
function wordAt({ words, starts }: Tokens, offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  const start = starts[lo];
  const betweenWords = start !== undefined && offset >= start + words[lo]!.length && lo + 1 < starts.length;
  return betweenWords ? lo + 1 : lo;
}

function passesFilter(rule: Rule, input: MatchInput): boolean {
  const when = rule.when;
  if (!when) return true;
  if (when.source && !(input.source && when.source.includes(input.source))) return false;
  if (when.lang && !(input.lang && when.lang.includes(input.lang))) return false;
  if (when.tag && !(input.tags && input.tags.some((t) => when.tag!.includes(t)))) return false;
  return true;
}
