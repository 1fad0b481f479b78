// The peers the Matcher is compared with, given the same rules:
//   naive              every rule on its own, every term a substring scan (`text.includes(term)`, a prefix
//                      term as its stem), all/any/none respected. The text is lower-cased with runs of
//                      non-word characters turned into one space and padded with spaces, and terms are
//                      looked for as " word " / " stem" / " two words ", so "us" is not found in "because";
//                      without that, naive and Matcher agreed on well under half of the matches.
//   json-rules-engine  the rules translated to its all/any/not conditions, each term a custom operator
//                      `containsTerm` testing a precompiled, Unicode-aware whole-word RegExp (after a cheap
//                      `includes` of the term's longest literal piece, without which the RegExps alone cost
//                      ~4x more and the comparison would flatter the Matcher).
// Neither has a notion of word distance: `near` becomes "both present" (a superset of what near matches).

import { Engine, type NestedCondition, type TopLevelCondition } from 'json-rules-engine';
import type { MatchExpr, Rule } from '../src/model/watchbook.js';
import { FIELDS, type Field } from '../src/model/watchbook.js';

export interface PeerInput {
  title: string;
  summary: string;
  content: string;
}

const ALL = 0b111;
const maskOf = (fields: readonly Field[]) => fields.reduce((m, f) => m | (1 << FIELDS.indexOf(f)), 0);

/** The rule's sub-expressions in the shape both peers need: terms with field masks, all/any/not. */
type Tree =
  | { t: 'term'; term: string; mask: number }
  | { t: 'all'; parts: Tree[] }
  | { t: 'any'; parts: Tree[] }
  | { t: 'not'; part: Tree };

function toTree(expr: MatchExpr, mask: number): Tree {
  if (typeof expr === 'string') return { t: 'term', term: expr, mask };
  if (Array.isArray(expr)) return { t: 'any', parts: expr.map((e) => toTree(e, mask)) };
  const m = expr.fields ? maskOf(expr.fields) & mask : mask;
  const parts: Tree[] = [];
  if (expr.all) parts.push({ t: 'all', parts: expr.all.map((e) => toTree(e, m)) });
  if (expr.any) parts.push({ t: 'any', parts: expr.any.map((e) => toTree(e, m)) });
  if (expr.near) {
    parts.push({ t: 'any', parts: expr.near.terms.map((e) => toTree(e, m)) });
    if (expr.near.of) parts.push({ t: 'any', parts: expr.near.of.map((e) => toTree(e, m)) });
  }
  if (expr.none) parts.push({ t: 'not', part: { t: 'any', parts: expr.none.map((e) => toTree(e, m)) } });
  return parts.length === 1 ? parts[0]! : { t: 'all', parts };
}

const ruleTree = (rule: Rule) => toTree(rule.match, rule.fields.length ? maskOf(rule.fields) : ALL);

// --- naive ------------------------------------------------------------------------------------------------------

const NON_WORD = /[^\p{L}\p{M}\p{N}'\u2019\u02bc]+/gu;
const padded = (text: string) => ` ${text.toLowerCase().replace(NON_WORD, ' ')} `;

type Naive =
  { t: 'term'; text: string; mask: number } | { t: 'all' | 'any'; parts: Naive[] } | { t: 'not'; part: Naive };

function toNaive(tree: Tree): Naive {
  switch (tree.t) {
    case 'term': {
      // "security guarantee*" -> " security guarantee"; "NATO" -> " nato "; "Ер-Ріяд*" -> " ер ріяд"
      const prefix = tree.term.trim().endsWith('*');
      const body = tree.term.toLowerCase().replace(NON_WORD, ' ').trim();
      return { t: 'term', text: ` ${body}${prefix ? '' : ' '}`, mask: tree.mask };
    }
    case 'not':
      return { t: 'not', part: toNaive(tree.part) };
    default:
      return { t: tree.t, parts: tree.parts.map(toNaive) };
  }
}

function naiveEval(node: Naive, fields: string[], joined: string): boolean {
  switch (node.t) {
    case 'term':
      if (node.mask === ALL) return joined.includes(node.text);
      for (let f = 0; f < 3; f++) if (node.mask & (1 << f) && fields[f]!.includes(node.text)) return true;
      return false;
    case 'all':
      for (const p of node.parts) if (!naiveEval(p, fields, joined)) return false;
      return true;
    case 'any':
      for (const p of node.parts) if (naiveEval(p, fields, joined)) return true;
      return false;
    case 'not':
      return !naiveEval(node.part, fields, joined);
  }
}

export class NaiveMatcher {
  private readonly rules: { id: string; node: Naive }[];

  constructor(rules: readonly Rule[]) {
    this.rules = rules.map((r) => ({ id: r.id, node: toNaive(ruleTree(r)) }));
  }

  /** Ids of the rules that match. */
  match(item: PeerInput): string[] {
    const fields = [padded(item.title), padded(item.summary), padded(item.content)];
    const joined = fields.join('\n');
    const out: string[] = [];
    for (const r of this.rules) if (naiveEval(r.node, fields, joined)) out.push(r.id);
    return out;
  }
}

// --- json-rules-engine ---------------------------------------------------------------------------------------

const WORD = '\\p{L}\\p{M}\\p{N}';
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A whole-word (or word-prefix) RegExp for a term over lower-cased text. */
export function termRegExp(term: string): RegExp {
  const words = term.trim().toLowerCase().split(/\s+/);
  const last = words[words.length - 1]!;
  const prefix = last.endsWith('*');
  const pieces = words
    .map((w) => w.replace(/\*$/, ''))
    .flatMap((w) => w.split(new RegExp(`[^${WORD}']+`, 'u')).filter(Boolean))
    .map((w) => w.replace(/'s$/, ''));
  const body = pieces.map(escape).join(`[^${WORD}]+`);
  return new RegExp(`(?<![${WORD}])${body}${prefix ? '' : `(?![${WORD}])`}`, 'u');
}

interface TermCheck {
  re: RegExp;
  /** A piece of the term that must occur literally: a cheap `includes` before the RegExp runs. */
  literal: string;
  mask: number;
}

/** The longest literal piece of a term, lower-cased, without `*`. */
function literalOf(term: string): string {
  const pieces = term
    .toLowerCase()
    .split(new RegExp(`[^${WORD}]+`, 'u'))
    .filter(Boolean);
  return pieces.reduce((a, b) => (b.length > a.length ? b : a), '');
}

export class JsonRulesEnginePeer {
  private readonly engine: Engine;
  private readonly checks: TermCheck[] = [];

  constructor(rules: readonly Rule[]) {
    const ids = new Map<string, number>();
    const condition = (tree: Tree): NestedCondition => {
      switch (tree.t) {
        case 'term': {
          const key = `${tree.mask}\u0000${tree.term.toLowerCase()}`;
          let id = ids.get(key);
          if (id === undefined) {
            id = this.checks.length;
            this.checks.push({ re: termRegExp(tree.term), literal: literalOf(tree.term), mask: tree.mask });
            ids.set(key, id);
          }
          return { fact: 'fields', operator: 'containsTerm', value: id };
        }
        case 'not':
          return { not: condition(tree.part) };
        case 'all':
          return { all: tree.parts.map(condition) };
        case 'any':
          return { any: tree.parts.map(condition) };
      }
    };
    this.engine = new Engine([], { allowUndefinedFacts: true });
    const checks = this.checks;
    this.engine.addOperator<string[], number>('containsTerm', (fields, id) => {
      const { re, literal, mask } = checks[id]!;
      for (let f = 0; f < 3; f++)
        if (mask & (1 << f) && fields[f]!.includes(literal) && re.test(fields[f]!)) return true;
      return false;
    });
    for (const rule of rules) {
      const c = condition(ruleTree(rule));
      const conditions: TopLevelCondition = 'all' in c || 'any' in c || 'not' in c ? c : { all: [c] };
      this.engine.addRule({ name: rule.id, conditions, event: { type: rule.id } });
    }
  }

  get termCount(): number {
    return this.checks.length;
  }

  /** Ids of the rules that match. */
  async match(item: PeerInput): Promise<string[]> {
    const fields = [item.title.toLowerCase(), item.summary.toLowerCase(), item.content.toLowerCase()];
    const { events } = await this.engine.run({ fields });
    return events.map((e) => e.type);
  }
}
