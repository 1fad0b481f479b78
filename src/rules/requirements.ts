import type { Node } from './expr.js';
import type { Term } from './term.js';

// What must occur in an item for a rule to have a chance: a list of groups of term ids, at least one term
// of every group. For `all: [any: [poll, survey], any: [concession*]]` that is [[poll, survey],
// [concession*]]. The matcher counts satisfied groups while it reads the words, so a rule whose terms are
// common but whose combination is rare is never evaluated: the cost stays with the text, not the rules.

/** The groups, or [] when nothing indexable is required (a regex could make the node true on its own). */
export function requiredGroups(node: Node, terms: readonly Term[]): number[][] {
  switch (node.t) {
    case 'term':
      return terms[node.id]!.kind === 'regex' ? [] : [[node.id]];
    case 'terms': {
      const words = [...node.ids].filter((id) => terms[id]!.kind === 'words');
      if (node.all) return words.map((id) => [id]);
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
