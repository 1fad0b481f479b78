// The matcher evaluates the rules' expressions laid out as numbers in one array, each rule's after the
// last, rather than as the expression objects: checking a candidate then reads a few adjacent cache lines
// instead of following pointers to objects spread over the heap, which cost more than the check itself
// once reading the item has pushed them out of the cache.
//
// Every instruction starts with its opcode and the index just past its end, so a check can skip it:
//   TERMS_*    op end mask id...          a flat list of terms (ANY: one of them, ALL: every one);
//                                         PLAIN: all words, in every field; otherwise through `occurs`
//   ALL, ANY   op end child...
//   OBJECT     op end noneAt nearAt ofAt within child...   its positive parts, then (each where its
//                                         offset says, when > 0) its `none`, `near.terms` and `near.of`

import type { Node } from './expr.js';

export const OP_ANY_PLAIN = 0;
export const OP_ALL_PLAIN = 1;
export const OP_ANY_TERMS = 2;
export const OP_ALL_TERMS = 3;
export const OP_ALL = 4;
export const OP_ANY = 5;
export const OP_OBJECT = 6;

/** Where a term list's mask and ids are, and where the children of ALL and ANY start. */
export const TERMS_MASK = 2;
export const TERM_IDS = 3;
export const CHILDREN = 2;

/** Where an object's positive parts start, and the offsets of its parts after them. */
export const OBJECT_PARTS = 6;
export const NONE_AT = 2;
export const NEAR_AT = 3;
export const OF_AT = 4;
export const WITHIN = 5;

/** Where an object's positive parts end: at its first other part, if it has one. */
export function positiveEnd(code: Int32Array, pc: number): number {
  return code[pc + NONE_AT] || code[pc + NEAR_AT] || code[pc + 1]!;
}

/** Append a node's instructions to `code`; returns where they start. */
export function emit(node: Node, code: number[]): number {
  const at = code.length;
  switch (node.t) {
    case 'term':
      code.push(OP_ANY_TERMS, 0, node.mask, node.id);
      break;
    case 'terms':
      code.push(
        node.plain ? (node.all ? OP_ALL_PLAIN : OP_ANY_PLAIN) : node.all ? OP_ALL_TERMS : OP_ANY_TERMS,
        0,
        node.mask,
        ...node.ids,
      );
      break;
    case 'all':
    case 'any':
      code.push(node.t === 'all' ? OP_ALL : OP_ANY, 0);
      for (const part of node.parts) emit(part, code);
      break;
    case 'object': {
      // op, end, noneAt, nearAt, ofAt (filled in below), within
      code.push(OP_OBJECT, 0, 0, 0, 0, node.near?.within ?? 0);
      for (const part of node.positive) emit(part, code);
      if (node.none) code[at + NONE_AT] = emit(node.none, code);
      if (node.near) code[at + NEAR_AT] = emit(node.near.terms, code);
      if (node.near?.of) code[at + OF_AT] = emit(node.near.of, code);
      break;
    }
  }
  code[at + 1] = code.length;
  return at;
}
