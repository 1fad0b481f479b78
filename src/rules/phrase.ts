// Phrases: whether a term of several words continues where its first word occurs.
import type { Term } from './term.js';
import type { WordSpans } from './tokenize.js';

/** Whether a phrase whose first word is word `at` continues there with its other words. */
export function phraseAt(term: Extract<Term, { kind: 'words' }>, spans: WordSpans, at: number): boolean {
  if (at + term.words.length > spans.count) return false;
  for (let j = 1; j < term.words.length; j++) {
    const want = term.words[j]!;
    if (!spans.is(at + j, want.text, want.prefix)) return false;
  }
  return true;
}
