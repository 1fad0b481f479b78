// Rules are written by admins but run on text written by anyone, so a pattern must not be able to take
// time exponential in its input. JavaScript's backtracking engine gives no such promise; we accept only
// what RE2 also accepts (no backreferences, no lookaround) and refuse repetition of a group that itself
// repeats without bound, such as (a+)+, (\w+\s?)* or (a+){8}: the shape behind catastrophic backtracking.
// What this character scan cannot see (overlapping branches, wildcards, huge counts) backtracking.ts finds
// on the syntax tree, once the pattern is known to compile.

import { backtrackingProblem } from './backtracking.js';
import { RuleError } from './errors.js';

interface Group {
  repeats: boolean;
}

/** Throws RuleError if the pattern uses a feature outside the safe subset; returns the compiled RegExp. */
export function compileSafeRegex(pattern: string): RegExp {
  const stack: Group[] = [{ repeats: false }];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && /[1-9]/.test(next))
        throw new RuleError(`backreference \\${next} is not supported (RE2 semantics) in /${pattern}/`);
      if (!inClass && next === 'k' && pattern[i + 2] === '<')
        throw new RuleError(`named backreference is not supported (RE2 semantics) in /${pattern}/`);
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
    } else if (c === '(') {
      const head = pattern.slice(i, i + 4);
      if (head.startsWith('(?=') || head.startsWith('(?!') || head.startsWith('(?<=') || head.startsWith('(?<!')) {
        throw new RuleError(
          `lookaround ${head.replace(/[^(?<=!]/g, '')} is not supported (RE2 semantics) in /${pattern}/`,
        );
      }
      stack.push({ repeats: false });
    } else if (c === ')') {
      const group = stack.pop();
      if (!group || stack.length === 0) throw new RuleError(`unbalanced ")" in /${pattern}/`);
      if (group.repeats && repeatsAgain(pattern, i + 1))
        throw new RuleError(
          `nested repetition like (a+)+ is not allowed in /${pattern}/: it can take exponential time`,
        );
      if (group.repeats || unboundedAt(pattern, i + 1)) stack[stack.length - 1]!.repeats = true;
    } else if (unboundedAt(pattern, i)) {
      stack[stack.length - 1]!.repeats = true;
    }
  }
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'iu');
  } catch (err) {
    throw new RuleError(
      `invalid regular expression /${pattern}/: ${(err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')}`,
      { cause: err },
    );
  }
  const problem = backtrackingProblem(pattern);
  if (problem) throw new RuleError(problem);
  return re;
}

/** Whether an unbounded quantifier (*, +, {n,}) starts at i. */
function unboundedAt(pattern: string, i: number): boolean {
  const c = pattern[i];
  if (c === '*' || c === '+') return true;
  return c === '{' && /^\{\d+,\}/.test(pattern.slice(i));
}

/**
 * Whether a quantifier that lets its group match more than once starts at i: unbounded ones, and also
 * bounded ones like {2,10} or {8}, since (a+){8} backtracks through every way of cutting the input in 8.
 */
function repeatsAgain(pattern: string, i: number): boolean {
  if (unboundedAt(pattern, i)) return true;
  const m = /^\{(\d+)(?:,(\d+))?\}/.exec(pattern.slice(i));
  return m !== null && Number(m[2] ?? m[1]) > 1;
}
