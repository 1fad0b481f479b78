// What must occur in an item for a rule to have a chance: a list of groups of alternatives, at least one
// alternative of every group. An alternative is a term in some fields: for `all: [any: [poll, survey],
// {fields: [title], any: [concession*]}]` that is [[poll anywhere, survey anywhere], [concession* in the
// title]]. The matcher counts satisfied groups while it reads the words, so a rule whose terms are common
// but whose combination is rare is never evaluated: the cost stays with the text, not the rules.

import { FIELDS } from '../model/watchbook.js';
import type { Node } from './expr.js';
import type { Term } from './term.js';

/** Field masks are below this, so a term id and a mask make one number. */
export const MASKS = 1 << FIELDS.length;

/** A term in the fields of `mask`, as one number; termOf and maskOf take it apart. */
export const alternative = (id: number, mask: number) => id * MASKS + mask;
export const termOf = (alt: number) => Math.floor(alt / MASKS);
export const maskOf = (alt: number) => alt % MASKS;

/** The groups, or [] when nothing indexable is required (a regex could make the node true on its own). */
export function requiredGroups(node: Node, terms: readonly Term[]): number[][] {
  switch (node.t) {
    case 'term':
      return terms[node.id]!.kind === 'regex' ? [] : [[alternative(node.id, node.mask)]];
    case 'terms': {
      const words = [...node.ids].filter((id) => terms[id]!.kind === 'words').map((id) => alternative(id, node.mask));
      if (node.all) return words.map((alt) => [alt]);
      return words.length === node.ids.length ? [words] : [];
    }
    case 'all':
      return node.parts.flatMap((p) => requiredGroups(p, terms));
    case 'any':
      return disjunction(node.parts.map((p) => requiredGroups(p, terms)));
    case 'object': {
      const groups = node.positive.flatMap((p) => requiredGroups(p, terms));
      if (node.near) {
        groups.push(...requiredGroups(node.near.terms, terms));
        if (node.near.of) groups.push(...requiredGroups(node.near.of, terms));
      }
      return groups;
    }
  }
}

/**
 * One group implied by "any of these parts": some term of each part's smallest group must occur, so the
 * union of those is required. If any part requires nothing, neither does the whole.
 */
function disjunction(parts: number[][][]): number[][] {
  if (parts.some((groups) => groups.length === 0)) return [];
  const union = new Set<number>();
  for (const groups of parts) {
    const smallest = groups.reduce((a, b) => (b.length < a.length ? b : a));
    for (const id of smallest) union.add(id);
  }
  return [[...union]];
}
