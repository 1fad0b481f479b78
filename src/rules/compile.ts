import type { Rule } from '../model/watchbook.js';
import { RuleError } from './errors.js';
import { ALL_FIELDS, compileExpr, fieldMask, TermTable, type ExprProblem, type Node } from './expr.js';
import { requiredGroups } from './requirements.js';
import type { Term } from './term.js';
import { WordTrie } from './word-trie.js';

export interface CompiledRule {
  rule: Rule;
  node: Node;
  /** Positive term ids and their text as written in this rule, for explanations. */
  positive: Map<number, string>;
  /** How many required term groups (see requirements.ts) an item must satisfy; 0: evaluate on every item. */
  groupCount: number;
}

/**
 * Every rule of a watchbook folded into one index: the first word of every term is looked up once per
 * word of the item, whatever the number of rules, and only rules whose required terms all occurred are
 * evaluated.
 */
export interface WordIndex {
  terms: Term[];
  /** Term ids by first word (exact, or prefix for `word*`). */
  firstWords: WordTrie;
  /** Required groups a term belongs to, by term id; and the rule of each group. */
  groupsByTerm: Int32Array[];
  ruleOfGroup: Int32Array;
  /** Required groups per rule (CompiledRule.groupCount, as an array for the hot loop). */
  groupCount: Int32Array;
  rules: CompiledRule[];
  /** Indexes of rules with no required group, evaluated on every item. */
  alwaysRules: number[];
}

/** Check one rule's match expression without building an index: the problems, with paths. */
export function checkRule(rule: Pick<Rule, 'match' | 'fields'>): ExprProblem[] {
  const problems: ExprProblem[] = [];
  compileExpr(rule.match, fieldMask(rule.fields), new TermTable(), problems);
  return problems;
}

export function compileRules(rules: readonly Rule[]): WordIndex {
  const table = new TermTable();
  const compiled: CompiledRule[] = rules.map((rule) => {
    const problems: ExprProblem[] = [];
    const expr = compileExpr(rule.match, rule.fields.length ? fieldMask(rule.fields) : ALL_FIELDS, table, problems);
    if (!expr) throw new RuleError(`rule ${rule.id}: ${problems.map((p) => `${['match', ...p.path].join('.')}: ${p.message}`).join('; ')}`);
    return { rule, node: expr.node, positive: expr.positive, groupCount: 0 };
  });

  const firstWords = new WordTrie();
  table.terms.forEach((term, id) => {
    if (term.kind === 'words') firstWords.add(term.words[0]!.text, term.words[0]!.prefix, id);
  });
  firstWords.freeze();

  const groupsByTerm: number[][] = table.terms.map(() => []);
  const ruleOfGroup: number[] = [];
  compiled.forEach((c, r) => {
    // Each distinct group once: a term repeated in a rule would be counted once per item but expected twice.
    const groups = new Map(requiredGroups(c.node, table.terms).map((g) => [[...new Set(g)].sort((a, b) => a - b).join(','), [...new Set(g)]]));
    c.groupCount = groups.size;
    for (const group of groups.values()) {
      for (const id of group) groupsByTerm[id]!.push(ruleOfGroup.length);
      ruleOfGroup.push(r);
    }
  });
  const alwaysRules = compiled.flatMap((c, r) => (c.groupCount === 0 ? [r] : []));
  return {
    terms: table.terms,
    firstWords,
    groupsByTerm: groupsByTerm.map((g) => Int32Array.from(g)),
    ruleOfGroup: Int32Array.from(ruleOfGroup),
    groupCount: Int32Array.from(compiled, (c) => c.groupCount),
    rules: compiled,
    alwaysRules,
  };
}
