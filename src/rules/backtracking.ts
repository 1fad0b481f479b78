// The shapes of pattern on which a backtracking engine (V8's, the only one we have) takes time exponential
// or high-polynomial in the text, found on the pattern's syntax tree (regexpp, the parser ESLint uses).
// Measured on Node 20 before this check: /(?:a|aa)*b/ took 41 s on 40 letters, /^(a{1,5})+b$/ 8 s on 28.
// - a repetition of something that itself repeats a variable number of times: (a+)+, (a{1,5})+;
// - a repeated alternation whose branches can start with the same character: (a|a)*, (?:a|aa)*, (\w|\d)+;
//   each iteration can take either branch, so a failing match tries every mix of them;
// - two unbounded repetitions in a row that can trade characters, because a character both match can also
//   pass everything between them: .*a.*b, \d+\s*\d+, a.*a.*a.*b. A failing match tries every split of
//   the run between them, once per start position: /.*a.*b/g took 15 s on 4,000 letters, /.*a.*a.*b/g 105 s
//   on 1,000. \w+\s+\w+ is fine (a space cannot be a \w), and so is [\w.-]+@[\w.-]+;
// - counted repetitions past MAX_COUNT in all: V8 unrolls a{1000000} into a million steps.
// The check is conservative: (?:ab|ac)+ is refused though it could not blow up. A rule can say the same
// with distinct branches, or with `near`.
import { type AST, RegExpParser } from '@eslint-community/regexpp';

/** The largest repetition count, counts along one path multiplied; RE2 also refuses counts over 1000. */
export const MAX_COUNT = 1000;

type Atom = AST.Character | AST.CharacterSet | AST.CharacterClass | AST.ExpressionCharacterClass;
type Branching = AST.Group | AST.CapturingGroup;

/** Why `pattern` (already known to compile with flags iu) may backtrack catastrophically; undefined if it may not. */
export function backtrackingProblem(pattern: string): string | undefined {
  const ast = new RegExpParser().parsePattern(pattern, 0, pattern.length, { unicode: true });
  const at = `in /${pattern}/`;
  let problem: string | undefined;

  const visit = (el: AST.Element, product: number, repeated: boolean): void => {
    if (problem) return;
    if (el.type === 'Quantifier') {
      const total = product * Math.max(el.max === Infinity ? el.min : el.max, 1);
      if (total > MAX_COUNT) {
        problem = `repetition ${el.raw.length > 40 ? el.raw.slice(-20) : el.raw} counts up to ${total} ${at}: at most ${MAX_COUNT} (nested counts multiply)`;
        return;
      }
      if (el.max > 1 && varies(el.element)) {
        problem = `nested repetition like (a+)+ is not allowed ${at}: it can take exponential time`;
        return;
      }
      visit(el.element, total, repeated || el.max > 1);
    } else if (el.type === 'Group' || el.type === 'CapturingGroup') {
      if (repeated && el.alternatives.length > 1) {
        const overlap = overlappingBranches(el);
        if (overlap) {
          problem = `repeated alternation with branches that can match the same text ("${overlap[0]}" and "${overlap[1]}" in ${el.raw}) is not allowed ${at}: it can take exponential time`;
          return;
        }
      }
      sequences(el.alternatives, product, repeated);
    }
  };
  const sequences = (alternatives: AST.Alternative[], product: number, repeated: boolean): void => {
    for (const alt of alternatives) {
      const shared = trade(alt.elements, literals);
      if (shared && !problem) {
        const [a, b, c] = shared;
        problem = `unbounded repetitions ${a} and ${b} can trade characters (both match "${c}", and so does what stands between) ${at}: a failing match tries every split between them, in time polynomial in the text; make what stands between required and distinct, or use "near"`;
      }
      for (const el of alt.elements) visit(el, product, repeated);
    }
  };

  const literals = new Set<string>();
  collectLiterals(ast, literals);
  sequences(ast.alternatives, 1, false);
  return problem;
}

function collectLiterals(node: AST.Node, out: Set<string>): void {
  if (node.type === 'Character') out.add(String.fromCodePoint(node.value));
  else if (node.type === 'Quantifier') collectLiterals(node.element, out);
  else if (node.type === 'Pattern' || node.type === 'Group' || node.type === 'CapturingGroup') {
    for (const alt of node.alternatives) for (const el of alt.elements) collectLiterals(el, out);
  }
}

/** An unbounded quantifier of a single character set (a+, .*, [^,]+, \w{2,}). */
function unboundedAtom(el: AST.Element): AST.Quantifier | undefined {
  return el.type === 'Quantifier' && el.max === Infinity && isAtom(el.element) ? el : undefined;
}

/**
 * Two unbounded repetitions in `elements` and a character both match that also passes every element
 * between them (an assertion, something optional, or a set holding it); undefined when there are none.
 */
function trade(elements: AST.Element[], literals: Set<string>): [string, string, string] | undefined {
  for (let i = 0; i < elements.length; i++) {
    const a = unboundedAtom(elements[i]!);
    if (!a) continue;
    const first = matcher(a.element as Atom);
    let candidates = [...literals, ...SAMPLE].filter((c) => first.test(c));
    for (let j = i + 1; j < elements.length && candidates.length > 0; j++) {
      const el = elements[j]!;
      const b = unboundedAtom(el);
      if (b) {
        const second = matcher(b.element as Atom);
        const c = candidates.find((ch) => second.test(ch));
        if (c !== undefined) return [a.raw, b.raw, JSON.stringify(c).slice(1, -1)];
      }
      if (el.type === 'Assertion' || (el.type === 'Quantifier' && el.min === 0)) continue;
      const atom = isAtom(el) ? el : el.type === 'Quantifier' && isAtom(el.element) ? el.element : undefined;
      if (!atom) break;
      const re = matcher(atom);
      candidates = candidates.filter((c) => re.test(c));
    }
  }
  return undefined;
}

function isAtom(el: AST.Node): el is Atom {
  return (
    el.type === 'Character' ||
    el.type === 'CharacterSet' ||
    el.type === 'CharacterClass' ||
    el.type === 'ExpressionCharacterClass'
  );
}

/** Whether `el` holds a quantifier that can match a varying number of times (a+, a*, a{1,5}; not a? or a{3}). */
function varies(el: AST.Node): boolean {
  if (el.type === 'Quantifier') return (el.max > 1 && el.min !== el.max) || varies(el.element);
  if (el.type === 'Group' || el.type === 'CapturingGroup')
    return el.alternatives.some((alt) => alt.elements.some(varies));
  return false;
}

/** Two branches of `group` whose first characters can be the same, as written; undefined when none can. */
function overlappingBranches(group: Branching): [string, string] | undefined {
  const firsts = group.alternatives.map((alt) => firstAtoms(alt.elements).atoms);
  for (let i = 0; i < firsts.length; i++) {
    for (let j = i + 1; j < firsts.length; j++) {
      if (firsts[i]!.some((a) => firsts[j]!.some((b) => intersect(a, b))))
        return [group.alternatives[i]!.raw, group.alternatives[j]!.raw];
    }
  }
  return undefined;
}

/** The atoms a run of elements can start with, and whether it can match the empty string. */
function firstAtoms(elements: AST.Element[]): { atoms: Atom[]; empty: boolean } {
  const atoms: Atom[] = [];
  for (const el of elements) {
    const first = firstOf(el);
    atoms.push(...first.atoms);
    if (!first.empty) return { atoms, empty: false };
  }
  return { atoms, empty: true };
}

function firstOf(el: AST.Element): { atoms: Atom[]; empty: boolean } {
  if (isAtom(el)) return { atoms: [el], empty: false };
  if (el.type === 'Quantifier') {
    const inner = firstOf(el.element);
    return { atoms: inner.atoms, empty: inner.empty || el.min === 0 };
  }
  if (el.type === 'Group' || el.type === 'CapturingGroup') {
    const branches = el.alternatives.map((alt) => firstAtoms(alt.elements));
    return { atoms: branches.flatMap((b) => b.atoms), empty: branches.some((b) => b.empty) };
  }
  return { atoms: [], empty: true }; // assertions (^, $, \b) match no character
}

// Characters two sets are compared on: printable ASCII, Latin-1 and Latin Extended-A, Greek, Cyrillic and
// general punctuation, plus the literal characters of the two atoms themselves (so 中 meets \p{L}).
const SAMPLE: string[] = [];
for (const [from, to] of [
  [0x09, 0x0d],
  [0x20, 0x7e],
  [0xa0, 0x17f],
  [0x370, 0x3ff],
  [0x400, 0x52f],
  [0x2000, 0x206f],
] as const) {
  for (let cp = from; cp <= to; cp++) SAMPLE.push(String.fromCodePoint(cp));
}

const compiled = new Map<string, RegExp>();
function matcher(atom: Atom): RegExp {
  let re = compiled.get(atom.raw);
  if (!re) {
    re = new RegExp(`^(?:${atom.raw})$`, 'iu');
    compiled.set(atom.raw, re);
  }
  return re;
}

function intersect(a: Atom, b: Atom): boolean {
  const ra = matcher(a);
  const rb = matcher(b);
  const own = [a, b].flatMap((x) => (x.type === 'Character' ? [String.fromCodePoint(x.value)] : []));
  return [...own, ...SAMPLE].some((c) => ra.test(c) && rb.test(c));
}
