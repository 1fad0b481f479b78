// Negation and hedging cues, after NegEx and ConText (research/negation-and-hedging.md): a matched term is
// negated or hedged by a cue a few words before it in the same clause. "Russia and Ukraine fail to agree on
// a ceasefire" is not a ceasefire agreed; "a deal may be signed" is not a deal signed.
//
// The lists are data: the watchbook's `cues` section adds to them. Every list applies to every item, whatever
// its language (the words of en, uk and ru hardly overlap, and items often carry no language).

import type { Cues } from '../model/watchbook.js';
import { RuleError } from './errors.js';
import { parseTerm } from './term.js';

/**
 * What a cue does: a negator or a hedge modifies a term after it, a post-negator a term before it ("прогресу
 * немає"); a pseudo-cue cancels a negator it contains ("not only"); a stop word ends a clause.
 */
export type CueKind = 'negator' | 'hedge' | 'post' | 'pseudo' | 'stop';

/** Each kind's bit: a word may be of several kinds ("немає" negates what follows and what precedes it). */
export const CUE_BITS: Record<CueKind, number> = { negator: 1, hedge: 2, post: 4, pseudo: 8, stop: 16 };
const CUE_KINDS = Object.keys(CUE_BITS) as CueKind[];

/** How many words may stand between a cue and the term it modifies: before the term, and after it. */
export const CUE_WINDOW = 5;
export const POST_WINDOW = 2;

// prettier-ignore
const BUILT_IN: Record<CueKind, Record<string, string[]>> = {
  negator: {
    en: [
      'not', 'no', 'never', 'nor', 'without', "don't", "doesn't", "didn't", "won't", "wouldn't", "isn't",
      "aren't", "wasn't", "weren't", "hasn't", "haven't", "cannot", "can't", 'fail*', 'unable', 'deny', 'denies',
      'denied', 'denying', 'denial', 'vote down', 'votes down', 'voted down', 'voting down', 'rule out', 'rules out', 'ruled out', 'ruling out', 'refus*', 'reject*',
      'dismiss*', 'nothing', 'neither', 'lack of', 'absence of', 'no intention', 'far from', 'instead of',
    ],
    uk: [
      'не', 'ні', 'ніколи', 'без', 'жоден', 'жодн*', 'нема', 'немає', 'відмов*', 'заперечу*', 'заперечи*',
      'спросту*', 'відкида*', 'відкину*', 'відхили*', 'провал*', 'замість',
    ],
    ru: [
      'не', 'нет', 'ни', 'никогда', 'без', 'никак*', 'отказ*', 'отрица*', 'опроверг*', 'отверг*',
      'отклони*', 'отклоня*', 'провал*', 'вместо',
    ],
  },
  hedge: {
    en: [
      'may', 'might', 'could', 'would', 'possibl*', 'likely', 'unlikely', 'perhaps', 'reportedly', 'allegedly',
      'rumou*', 'expected to', 'expects to', 'plan to', 'plans to', 'planning to', 'consider*', 'if', 'whether',
      'hope*', 'ready to', 'willing to', 'prepared to', 'seek*', 'aim*', 'propos*', 'call* for', 'urg*',
      'push* for', 'potential*', 'sources say', 'according to sources', 'question*', 'doubt*',
    ],
    uk: [
      'може', 'можуть', 'можливо', 'могли', 'міг', 'ймовірно', 'імовірно', 'нібито', 'очікує*', 'планує*',
      'має намір', 'мають намір', 'розгляда*', 'якщо', 'готов*', 'пропону*', 'заклика*',
      'сподіва*', 'за даними', 'джерела', 'потенційн*',
    ],
    ru: [
      'может', 'могут', 'возможно', 'могли', 'мог', 'вероятно', 'якобы', 'ожида*', 'планиру*', 'намерен*',
      'рассматрива*', 'если', 'ли', 'готов*', 'предлага*', 'призыва*', 'призвал*', 'надеж*', 'надея*',
      'по данным', 'источники', 'потенциальн*',
    ],
  },
  post: {
    en: ['ruled out', 'was denied', 'were denied', 'was rejected', 'were rejected', 'fell through', 'not found'],
    uk: ['немає', 'нема', 'не було', 'не буде', 'не знайдено', 'не знайшли', 'не досягнуто', 'не відбул*', 'не вдалося'],
    ru: ['нет', 'не было', 'не будет', 'не найден*', 'не нашли', 'не достигнут*', 'не состоял*', 'не удалось'],
  },
  pseudo: {
    en: [
      'not only', 'no doubt', 'no later than', 'not just', 'no sooner', 'nothing but', 'without delay',
      'not least', 'if not',
    ],
    uk: ['не лише', 'не тільки', 'не пізніше', 'не раніше', 'не менше', 'не більше', 'без сумніву', 'не виключ*'],
    ru: ['не только', 'не позднее', 'не раньше', 'не менее', 'не более', 'без сомнения', 'не исключ*'],
  },
  stop: {
    en: ['but', 'however', 'although', 'though', 'while', 'whereas', 'despite', 'after'],
    uk: ['але', 'проте', 'однак', 'хоча', 'попри', 'після', 'натомість', 'тоді як'],
    ru: ['но', 'однако', 'хотя', 'несмотря', 'после', 'тогда как', 'зато'],
  },
};

/** Every cue term with its kind: the built-in lists and the watchbook's additions. */
export function cueTerms(extra: Cues = {}): { term: string; kind: CueKind }[] {
  const out: { term: string; kind: CueKind }[] = [];
  for (const kind of CUE_KINDS)
    for (const words of Object.values(BUILT_IN[kind])) for (const term of words) out.push({ term, kind });
  for (const [key, kind] of [
    ['negators', 'negator'],
    ['hedges', 'hedge'],
  ] as const) {
    for (const words of Object.values(extra[key] ?? {})) for (const term of words) out.push({ term, kind });
  }
  return out;
}

/** What is wrong with a cue as a watchbook writes it, if anything: a cue is words, not a regex. */
export function checkCue(term: string): string | undefined {
  if (term.startsWith('re:')) return `a cue is a word, a prefix* or a phrase, not a regular expression: "${term}"`;
  try {
    parseTerm(term);
    return undefined;
  } catch (err) {
    if (err instanceof RuleError) return err.message.replace(/^rules: /, '');
    throw err;
  }
}

// Punctuation that ends a clause, so a cue before it does not reach a term after it; a sentence ends at
// fewer marks (not at ; or :). A full stop counts when a space or the end follows it, and not after a single
// letter ("u.s. officials"). Read a character at a time: the matcher asks between every two words it looks at.
const CLAUSE = 1;
const SENTENCE = 2;
const FULL_STOP = 0x2e;
const ENDS = new Uint8Array(0x10000);
for (const c of '!?\n\u2026') ENDS[c.charCodeAt(0)] = CLAUSE | SENTENCE;
for (const c of ';:|()[]\u2014\u2013') ENDS[c.charCodeAt(0)] = CLAUSE;
ENDS[FULL_STOP] = CLAUSE | SENTENCE;
const LETTER = /[\p{L}\p{N}]/u;
const SPACE = /\s/;

/** Whether the normalized text between offsets `from` and `to` ends a clause (or, with `sentence`, a sentence). */
export function endsBetween(text: string, from: number, to: number, sentence = false): boolean {
  const mask = sentence ? SENTENCE : CLAUSE;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (!(ENDS[c]! & mask)) continue;
    if (c !== FULL_STOP) return true;
    const followed = k + 1 >= text.length || SPACE.test(text[k + 1]!);
    if (followed && (k < 2 || LETTER.test(text[k - 2]!))) return true;
  }
  return false;
}
