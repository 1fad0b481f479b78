// A title with the rule's matched terms marked: terms as the rule wrote them (`convoy`, `reject*`,
// "territorial concession*"), found case-insensitively as whole words; `*` is a word prefix, a phrase
// allows any spacing. Regex terms (`re:`) are not marked: the rule engine explains those. Escapes all text.
import { esc } from './html.js';

const SPECIAL = /[.*+?^${}()|[\]\\]/g;
const WORD = '[\\p{L}\\p{N}\\p{M}]';

function termPattern(term: string): string | undefined {
  const t = term.trim().replace(/^["']|["']$/g, '');
  if (t === '' || t.startsWith('re:')) return undefined;
  const words = t
    .split(/\s+/)
    .map((w) => w.replace(/\*$/, '').replace(SPECIAL, '\\$&') + (w.endsWith('*') ? `${WORD}*` : ''));
  return `(?<!${WORD})${words.join('\\s+')}(?!${WORD})`;
}

/** `text` escaped, each occurrence of a term in `<mark>`. Overlapping occurrences are merged. */
export function highlight(text: string, terms: readonly string[]): string {
  const patterns = terms.map(termPattern).filter((p): p is string => p !== undefined);
  if (patterns.length === 0) return esc(text);
  const ranges: [number, number][] = [];
  for (const p of patterns) {
    for (const m of text.matchAll(new RegExp(p, 'giu')))
      if (m[0].length > 0) ranges.push([m.index, m.index + m[0].length]);
  }
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let out = '';
  let at = 0;
  for (const [start, end] of ranges) {
    if (end <= at) continue;
    const s = Math.max(start, at);
    out += `${esc(text.slice(at, s))}<mark>${esc(text.slice(s, end))}</mark>`;
    at = end;
  }
  return out + esc(text.slice(at));
}
