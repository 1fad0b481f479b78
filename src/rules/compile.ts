import type { Rule } from '../model/watchbook.js';
import { RuleError } from './errors.js';
import { ALL_FIELDS, compileExpr, fieldMask, TermTable, type ExprProblem, type Node } from './expr.js';
import type { Term } from './term.js';

export interface CompiledRule {
  rule: Rule;
  node: Node;
  /** Positive term ids and their text as written in this rule, for explanations. */
  positive: Map<number, string>;
  /** True when a regex can make the rule match: such a rule is evaluated on every item. */
  always: boolean;
}

/**
 * Every rule of a watchbook folded into one index: the first word of every term is looked up once per
 * word of the item, whatever the number of rules, and only rules whose terms occurred are evaluated.
 */
export interface WordIndex {
  terms: Term[];
  /** Term ids by exact first word. */
  exact: Map<string, number[]>;
  /** Term ids by first-word prefix, and the distinct prefix lengths to try. */
  prefix: Map<string, number[]>;
  prefixLengths: number[];
  /** Term ids of regex terms. */
  regexIds: number[];
  /** Rule indexes by positive term id. */
  rulesByTerm: number[][];
  rules: CompiledRule[];
  /** Indexes of rules evaluated on every item (see CompiledRule.always). */
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
    const always = [...expr.positive.keys()].some((id) => table.terms[id]!.kind === 'regex');
    return { rule, node: expr.node, positive: expr.positive, always };
  });

  const exact = new Map<string, number[]>();
  const prefix = new Map<string, number[]>();
  const regexIds: number[] = [];
  const add = (map: Map<string, number[]>, key: string, id: number) => {
    const list = map.get(key);
    if (list) list.push(id);
    else map.set(key, [id]);
  };
  table.terms.forEach((term, id) => {
    if (term.kind === 'regex') return regexIds.push(id);
    const first = term.words[0]!;
    add(first.prefix ? prefix : exact, first.text, id);
  });
  const prefixLengths = [...new Set([...prefix.keys()].map((p) => p.length))].sort((a, b) => a - b);

  const rulesByTerm: number[][] = table.terms.map(() => []);
  compiled.forEach((c, r) => {
    for (const id of c.positive.keys()) rulesByTerm[id]!.push(r);
  });
  const alwaysRules = compiled.flatMap((c, r) => (c.always ? [r] : []));
  return { terms: table.terms, exact, prefix, prefixLengths, regexIds, rulesByTerm, rules: compiled, alwaysRules };
}
