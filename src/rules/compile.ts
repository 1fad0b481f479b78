// Rules compiled into one word index: every term in one table and trie, the groups a rule needs, its program.
import type { Cues, Rule } from '../model/watchbook.js';
import { CUE_BITS, cueTerms } from './cues.js';
import { FIELDS } from '../model/watchbook.js';
import { RuleError } from './errors.js';
import { ALL_FIELDS, compileExpr, fieldMask, TermTable, type ExprProblem, type Node } from './expr.js';
import { pack, type Packed } from './packed.js';
import { parseTerm } from './term.js';
import { emit } from './program.js';
import { maskOf, requiredGroups, termOf } from './requirements.js';
import type { Term } from './term.js';
import { charClass } from './tokenize.js';
import { WordTrie } from './word-trie.js';

/**
 * A rule's positive terms in the order it writes them: ids, and the text as written. An explanation looks
 * up the few terms it hit by scanning `ids`, a line or two of memory, which beats a cold hash lookup.
 */
export interface PositiveTerms {
  ids: Int32Array;
  written: string[];
}

export interface CompiledRule {
  rule: Rule;
  node: Node;
  /** Positive terms, for explanations. */
  positive: PositiveTerms;
  /**
   * The terms that state the rule's event, on which negation and hedging are read: what its `near`s look
   * for (the rest is context: "ceasefire" near "agreed", "Russia" near "offensive"). Empty when the rule
   * has no near: then every term it matched states the event.
   */
  events: Int32Array;
}

/** Distinct terms a watchbook may use, so the matcher can pack a term id and a position in one number. */
export const MAX_TERMS = 2 ** 21;

/** A group with a term that more rules than this need (through any of their groups) is broad: see compileRules. */
const BROAD_GROUP = 96;

/** A rule counts at most this many groups (its narrowest), one bit each in the matcher's per-rule mask. */
const MAX_COUNTED = 30;

/**
 * Every rule of a watchbook folded into one index: the first word of every term is looked up once per
 * word of the item, whatever the number of rules, and only rules whose required terms all occurred are
 * evaluated.
 */
export interface WordIndex {
  terms: Term[];
  /** Per term id: how many words it spans, 0 for a regex (whose matches are not runs of words). */
  termWords: Int32Array;
  /**
   * Per term id: the first code unit of a phrase's second word, -1 for a single word or a regex. Most
   * phrases whose first word occurs fail at the next word's first letter, checked here without reading
   * the term.
   */
  phraseNext: Int32Array;
  /** Term ids by first word (exact, or prefix for `word*`). */
  firstWords: WordTrie;
  /**
   * What an occurrence satisfies, by term id * FIELDS.length + field index: per counted group that the term
   * is an alternative of there, rule index * 32 + the group's number among that rule's counted groups.
   */
  countsOfTermInField: Packed;
  /**
   * Per rule: how many of its required term groups (see requirements.ts) the matcher counts, all of which
   * an item must meet before the rule is checked; 0: the rule is checked on every item.
   */
  groupCount: Int32Array;
  /** Per rule: whether it has a `when` filter (most have none, and then the rule object is not read). */
  filtered: Uint8Array;
  /** Every rule's expression as instructions (see program.ts), and where each rule's instructions begin. */
  program: Int32Array;
  programAt: Int32Array;
  rules: CompiledRule[];
  /** Negation and hedging cues by first word, as firstWords holds the rules' terms. */
  cueWords: WordTrie;
  /** The most words a cue has ("no intention of": 3). */
  maxCueWords: number;
  /** Per term id: the CUE_BITS of the cue kinds it is, 0 for a term that is no cue. */
  cueKind: Uint8Array;
  /** Indexes of rules with no required group, evaluated on every item. */
  alwaysRules: number[];
}

/** Check one rule's match expression without building an index: the problems, with paths. */
export function checkRule(rule: Pick<Rule, 'match' | 'fields'>): ExprProblem[] {
  const problems: ExprProblem[] = [];
  compileExpr(rule.match, fieldMask(rule.fields), new TermTable(), problems);
  return problems;
}

export function compileRules(rules: readonly Rule[], cues: Cues = {}): WordIndex {
  const table = new TermTable();
  const compiled: CompiledRule[] = rules.map((rule) => {
    const problems: ExprProblem[] = [];
    const expr = compileExpr(rule.match, rule.fields.length ? fieldMask(rule.fields) : ALL_FIELDS, table, problems);
    if (!expr)
      throw new RuleError(
        `rule ${rule.id}: ${problems.map((p) => `${['match', ...p.path].join('.')}: ${p.message}`).join('; ')}`,
      );
    const positive = { ids: Int32Array.from(expr.positive.keys()), written: [...expr.positive.values()] };
    const events = Int32Array.from(nearTerms(expr.node));
    return { rule, node: expr.node, positive, events };
  });

  // Cues share the term table (a rule may ask for a word that is also a cue), but not the scan's trie:
  // they are looked up in a trie of their own, only in the fields of an item where a match needs them, so
  // the scan of every item costs what it cost without them.
  const ruleTerms = table.terms.length;
  const kinds: number[] = [];
  for (const { term, kind } of cueTerms(cues)) {
    const id = table.intern(parseTerm(term));
    kinds[id] = (kinds[id] ?? 0) | CUE_BITS[kind];
  }
  const cueKind = Uint8Array.from(table.terms, (_, id) => kinds[id] ?? 0);

  if (table.terms.length >= MAX_TERMS)
    throw new RuleError(`rules: ${table.terms.length} distinct terms; at most ${MAX_TERMS - 1} are supported`);
  const firstWords = new WordTrie();
  const cueWords = new WordTrie();
  table.terms.forEach((term, id) => {
    if (term.kind !== 'words') return;
    if (id < ruleTerms) firstWords.add(term.words[0]!.text, term.words[0]!.prefix, id);
    if (cueKind[id]) cueWords.add(term.words[0]!.text, term.words[0]!.prefix, id);
  });
  firstWords.freeze(charClass);
  cueWords.freeze(charClass);

  // Groups are shared between rules: many rules need the same words (Ukraine, Україн*, Украин*), and a
  // shared group is checked once per item, however many rules need it.
  const groupIds = new Map<string, number>();
  const altsOfGroup: number[][] = [];
  const groupsOfRule = compiled.map((c) => {
    const mine = new Set<number>();
    for (const group of requiredGroups(c.node, table.terms)) {
      const alts = [...new Set(group)].sort((a, b) => a - b);
      const key = alts.join(',');
      let g = groupIds.get(key);
      if (g === undefined) {
        g = altsOfGroup.length;
        groupIds.set(key, g);
        altsOfGroup.push(alts);
      }
      mine.add(g);
    }
    return [...mine];
  });

  // A group holding a term that many rules need (the Ukraine, Kremlin, Київ* of a rule's context) is met
  // by nearly every item, so counting it filters nothing and costs a step per rule that needs it. Each
  // rule counts only its narrow groups (at least its narrowest); the evaluation checks the rest anyway.
  const groupsByTerm: Set<number>[] = table.terms.map(() => new Set());
  altsOfGroup.forEach((alts, g) => alts.forEach((alt) => groupsByTerm[termOf(alt)]!.add(g)));
  const needs = new Int32Array(altsOfGroup.length);
  for (const groups of groupsOfRule) for (const g of groups) needs[g]!++;
  const reach = groupsByTerm.map((groups) => [...groups].reduce((sum, g) => sum + needs[g]!, 0));
  const breadth = altsOfGroup.map((alts) => Math.max(...alts.map((alt) => reach[termOf(alt)]!)));
  const countedBy: [rule: number, bit: number][][] = altsOfGroup.map(() => []);
  const groupCount = new Int32Array(compiled.length);
  groupsOfRule.forEach((groups, r) => {
    const narrowFirst = groups.sort((a, b) => breadth[a]! - breadth[b]! || a - b);
    const counted = narrowFirst.filter((g, k) => k === 0 || breadth[g]! <= BROAD_GROUP).slice(0, MAX_COUNTED);
    counted.forEach((g, bit) => countedBy[g]!.push([r, bit]));
    groupCount[r] = counted.length;
  });
  // Per term and field, the counted groups an occurrence there satisfies (`title: [concession*]` is not
  // met by a concession in the content), straight as (rule, bit): most groups are counted by one rule, so
  // going through the group would double the steps. Terms only in groups no rule counts are not looked at.
  const countsOfTermInField: Set<number>[] = Array.from(
    { length: table.terms.length * FIELDS.length },
    () => new Set(),
  );
  altsOfGroup.forEach((alts, g) => {
    for (const alt of alts) {
      for (let f = 0; f < FIELDS.length; f++) {
        if (!(maskOf(alt) & (1 << f))) continue;
        for (const [r, bit] of countedBy[g]!) countsOfTermInField[termOf(alt) * FIELDS.length + f]!.add(r * 32 + bit);
      }
    }
  });
  const code: number[] = [];
  const programAt = Int32Array.from(compiled, (c) => emit(c.node, code));
  const alwaysRules = compiled.flatMap((_, r) => (groupCount[r] === 0 ? [r] : []));
  return {
    terms: table.terms,
    termWords: Int32Array.from(table.terms, (t) => (t.kind === 'words' ? t.words.length : 0)),
    phraseNext: Int32Array.from(table.terms, (t) =>
      t.kind === 'words' && t.words.length > 1 ? t.words[1]!.text.charCodeAt(0) : -1,
    ),
    firstWords,
    countsOfTermInField: pack(countsOfTermInField.map((entries) => [...entries])),
    groupCount,
    program: Int32Array.from(code),
    programAt,
    filtered: Uint8Array.from(compiled, (c) => (c.rule.when ? 1 : 0)),
    rules: compiled,
    cueWords,
    maxCueWords: Math.max(1, ...table.terms.map((t, id) => (cueKind[id] && t.kind === 'words' ? t.words.length : 0))),
    cueKind,
    alwaysRules,
  };
}

/** The term ids under the `near.terms` of any object in the expression. */
function nearTerms(node: Node, inNear = false, out = new Set<number>()): Set<number> {
  switch (node.t) {
    case 'term':
      if (inNear) out.add(node.id);
      break;
    case 'terms':
      if (inNear) for (const id of node.ids) out.add(id);
      break;
    case 'all':
    case 'any':
      for (const part of node.parts) nearTerms(part, inNear, out);
      break;
    case 'object':
      for (const part of node.positive) nearTerms(part, inNear, out);
      if (node.near) nearTerms(node.near.terms, true, out);
      if (node.near?.of) nearTerms(node.near.of, inNear, out);
      break;
  }
  return out;
}
