// Match expressions compiled into nodes: terms by id in one table, fields as bit masks, problems with their paths.
import type { Field, MatchExpr, MatchNode } from '../model/watchbook.js';
import { FIELDS } from '../model/watchbook.js';
import { RuleError } from './errors.js';
import { parseTerm, type Term } from './term.js';

/** A compiled match expression. Field masks are bit sets over FIELDS (title = 1, summary = 2, content = 4). */
export type Node =
  | { t: 'term'; id: number; mask: number }
  /**
   * A list of terms only (the common case: `any: [poll, survey, опитуван*]`), kept flat so the matcher
   * checks it in one loop; `plain` when every term is words (no regex) and every field counts.
   */
  | { t: 'terms'; all: boolean; ids: Int32Array; mask: number; plain: boolean }
  | { t: 'all'; parts: Node[] }
  | { t: 'any'; parts: Node[] }
  | { t: 'object'; positive: Node[]; none?: Node; near?: Near };

const NO_IDS = new Int32Array(0);
const NO_NODES: Node[] = [];

/**
 * Every node is made with every field, in one order, so all nodes share one hidden class: the matcher's
 * recursive checks then read node fields at monomorphic sites instead of megamorphic ones.
 */
interface NodeFields {
  t: Node['t'];
  id?: number;
  mask?: number;
  all?: boolean;
  plain?: boolean;
  ids?: Int32Array;
  parts?: Node[];
  positive?: Node[];
  none?: Node | undefined;
  near?: Near | undefined;
}

function make(n: NodeFields): Node {
  return {
    t: n.t,
    id: n.id ?? -1,
    mask: n.mask ?? 0,
    all: n.all ?? false,
    plain: n.plain ?? false,
    ids: n.ids ?? NO_IDS,
    parts: n.parts ?? NO_NODES,
    positive: n.positive ?? NO_NODES,
    none: n.none,
    near: n.near,
  };
}

/** A near's `within` for "in the same sentence". */
export const SENTENCE = -1;

export interface Near {
  terms: Node;
  /** Words apart, or SENTENCE. */
  within: number;
  /** What `terms` must be near; without it, what the sibling positive parts matched. */
  of?: Node;
}

export interface ExprProblem {
  /** Path inside the match expression, e.g. ['all', 1, 'any', 0]. */
  path: (string | number)[];
  message: string;
}

export const ALL_FIELDS = (1 << FIELDS.length) - 1;

export function fieldMask(fields: readonly Field[]): number {
  return fields.reduce((mask, f) => mask | (1 << FIELDS.indexOf(f)), 0);
}

/** Gives each distinct term an id, shared by all rules of a watchbook. */
export class TermTable {
  readonly terms: Term[] = [];
  private readonly ids = new Map<string, number>();

  intern(term: Term): number {
    let id = this.ids.get(term.key);
    if (id === undefined) {
      id = this.terms.length;
      this.terms.push(term);
      this.ids.set(term.key, id);
    }
    return id;
  }
}

export interface CompiledExpr {
  node: Node;
  /** Ids of terms whose match can make the expression true (not under `none`), with the text as written. */
  positive: Map<number, string>;
  /** Ids of all terms, positive or not, with the text as written. */
  written: Map<number, string>;
}

/**
 * Compile a match expression, collecting every problem instead of stopping at the first, so the loader
 * can report them all with positions. Returns undefined when there was a problem.
 */
export function compileExpr(
  expr: MatchExpr,
  mask: number,
  table: TermTable,
  problems: ExprProblem[],
): CompiledExpr | undefined {
  const before = problems.length;
  const positive = new Map<number, string>();
  const written = new Map<number, string>();

  const visit = (e: MatchExpr, path: (string | number)[], m: number, isPositive: boolean): Node | undefined => {
    if (typeof e === 'string') {
      try {
        const id = table.intern(parseTerm(e));
        written.set(id, e);
        if (isPositive && !positive.has(id)) positive.set(id, e);
        return make({ t: 'term', id, mask: m });
      } catch (err) {
        if (!(err instanceof RuleError)) throw err;
        problems.push({ path, message: err.message.replace(/^rules: /, '') });
        return undefined;
      }
    }
    if (Array.isArray(e)) return list('any', e, path, m, isPositive);
    return object(e, path, m, isPositive);
  };

  const list = (
    t: 'all' | 'any',
    items: MatchExpr[],
    path: (string | number)[],
    m: number,
    isPositive: boolean,
  ): Node | undefined => {
    if (items.length === 0) {
      problems.push({ path, message: 'an empty list matches nothing; give at least one term' });
      return undefined;
    }
    const parts = items.map((item, i) => visit(item, [...path, i], m, isPositive));
    if (!parts.every((p): p is Node => p !== undefined)) return undefined;
    if (parts.length > 1 && parts.every((p) => p.t === 'term')) {
      const ids = Int32Array.from(parts, (p) => (p as { id: number }).id);
      const plain = m === ALL_FIELDS && ids.every((id) => table.terms[id]!.kind === 'words');
      return make({ t: 'terms', all: t === 'all', ids, mask: m, plain });
    }
    return make({ t, parts });
  };

  const object = (o: MatchNode, path: (string | number)[], outer: number, isPositive: boolean): Node | undefined => {
    const m = o.fields ? fieldMask(o.fields) & outer : outer;
    if (o.fields && m === 0)
      problems.push({
        path: [...path, 'fields'],
        message: 'these fields are outside the fields of the enclosing rule or expression',
      });
    if (!o.all && !o.any && !o.near) {
      problems.push({
        path,
        message: 'needs at least one of "all", "any" or "near": "none" alone would match everything',
      });
      return undefined;
    }
    const positiveParts: Node[] = [];
    if (o.all) positiveParts.push(list('all', o.all, [...path, 'all'], m, isPositive)!);
    if (o.any) positiveParts.push(list('any', o.any, [...path, 'any'], m, isPositive)!);
    const none = o.none ? list('any', o.none, [...path, 'none'], m, false) : undefined;
    let near: Near | undefined;
    if (o.near) {
      if (!o.near.of && positiveParts.length === 0) {
        problems.push({
          path: [...path, 'near'],
          message: 'near needs "of", or a sibling "all" or "any" to be near to',
        });
      }
      const terms = list('any', o.near.terms, [...path, 'near', 'terms'], m, isPositive);
      const of = o.near.of ? list('any', o.near.of, [...path, 'near', 'of'], m, isPositive) : undefined;
      if (terms)
        near = { terms, within: o.near.within === 'sentence' ? SENTENCE : o.near.within, ...(of ? { of } : {}) };
    }
    if (positiveParts.some((p) => p === undefined)) return undefined;
    return make({ t: 'object', positive: positiveParts, none, near });
  };

  const node = visit(expr, [], mask, true);
  if (problems.length > before || !node) return undefined;
  return { node, positive, written };
}
