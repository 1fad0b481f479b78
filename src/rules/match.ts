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
      if (this.evaluate(compiled.node, state)) matches.push(this.explain(compiled, state));
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

  /** Positions where a node holds, or null where it does not. */
  private evaluate(node: Node, state: ItemState): number[] | null {
    switch (node.t) {
      case 'term':
        return this.termPositions(node.id, node.mask, state);
      case 'all': {
        const out: number[] = [];
        for (const part of node.parts) {
          const p = this.evaluate(part, state);
          if (!p) return null;
          out.push(...p);
        }
        return out;
      }
      case 'any': {
        let out: number[] | null = null;
        for (const part of node.parts) {
          const p = this.evaluate(part, state);
          if (p) out = out ? out.concat(p) : p;
        }
        return out;
      }
      case 'object': {
        const out: number[] = [];
        for (const part of node.positive) {
          const p = this.evaluate(part, state);
          if (!p) return null;
          out.push(...p);
        }
        if (node.near) {
          const p = this.evaluateNear(node.near, out, state);
          if (!p) return null;
          out.push(...p);
        }
        if (node.none && this.evaluate(node.none, state)) return null;
        return out;
      }
    }
  }

  private evaluateNear(near: Near, siblings: number[], state: ItemState): number[] | null {
    const terms = this.evaluate(near.terms, state);
    if (!terms) return null;
    const anchors = near.of ? this.evaluate(near.of, state) : siblings;
    if (!anchors) return null;
    const close = terms.filter((p) => anchors.some((a) => a !== p && fieldOf(a) === fieldOf(p) && Math.abs(a - p) <= near.within));
    return close.length ? close : null;
  }

  private termPositions(id: number, mask: number, state: ItemState): number[] | null {
    const term = this.index.terms[id]!;
    if (term.kind === 'regex' && !state.regexDone.has(id)) {
      state.regexDone.add(id);
      state.fields.forEach(({ base, normalized, tokens }) => {
        for (const m of normalized.matchAll(term.regex)) state.add(id, base + wordAt(tokens.starts, m.index));
      });
    }
    const all = state.hits[id];
    if (!all) return null;
    if (mask === ALL_FIELDS) return all;
    const some = all.filter((p) => (mask & (1 << fieldOf(p))) !== 0);
    return some.length ? some : null;
  }

  private explain(compiled: CompiledRule, state: ItemState): Match {
    const { rule } = compiled;
    const terms: string[] = [];
    const hits: Hit[] = [];
    for (const [id, written] of compiled.positive) {
      const positions = state.hits[id];
      if (!positions) continue;
      terms.push(written);
      const term = this.index.terms[id]!;
      const length = term.kind === 'words' ? term.words.length : 1;
      for (const pos of positions) {
        const field = FIELDS[fieldOf(pos)]!;
        const word = pos % FIELD_SPAN;
        const words = state.fields.find((f) => f.field === field)!.tokens.words;
        hits.push({ term: written, field, word, text: words.slice(word, word + length).join(' ') });
      }
    }
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

/** Index of the word that contains (or follows) a character offset. */
function wordAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return Math.max(lo, 0);
}

function passesFilter(rule: Rule, input: MatchInput): boolean {
  const when = rule.when;
  if (!when) return true;
  if (when.source && !(input.source && when.source.includes(input.source))) return false;
  if (when.lang && !(input.lang && when.lang.includes(input.lang))) return false;
  if (when.tag && !(input.tags && input.tags.some((t) => when.tag!.includes(t)))) return false;
  return true;
}
