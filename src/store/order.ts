// Redis orders sorted-set members with equal scores, and we order hash fields, by their bytes; UTF-8 bytes
// sort like code points. JavaScript's `<` compares UTF-16 code units, which differs for characters past
// U+FFFF against U+E000–U+FFFF, so both stores compare with this and agree on every tie.

/** A UTF-16 code unit mapped so that comparing mapped units orders strings by code point (as ICU does). */
function fixup(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return fixup(x) - fixup(y);
  }
  return a.length - b.length;
}

/** Ascending by score, ties by member: the order of a Redis sorted set. */
export function byScoreThenMember<T>(score: (t: T) => number, member: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => score(a) - score(b) || compareCodePoints(member(a), member(b));
}
