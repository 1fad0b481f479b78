// Seeded rule sets that look like a real watchbook's (compare config/rules/): per topic, rules mostly in all
// three languages at once, with nested all/any/none, exact words, `prefix*` terms for Slavic inflection,
// 2–3-word phrases (some with prefixes, some starting with a common word: "не готов*"), anchors that occur
// in almost every item (Ukraine, Kremlin, Київ*), title-only parts, an occasional `near` (an action word
// close to the topic), and none-lists of hedges ("if", "би"), sports and weather, or another topic. The
// shipped rules are larger still (about 120 terms each, `near` in nearly all). No regex terms: a regex term
// makes its rule run on every item by design, which is not what this benchmark measures.

import type { MatchExpr, MatchNode, Rule, Severity } from '../src/model/watchbook.js';
import type { Concept, Vocab } from './corpus.js';
import type { Rng } from './prng.js';
import { LANGS, TOPICS, type Lang } from './vocab.js';

const SCENARIOS = ['deal', 'stalemate', 'escalation'];
const SEVERITIES: Severity[] = ['info', 'low', 'high', 'critical'];

/** A term naming one concept (or entity) in one language, written as an analyst would. */
function termFor(rng: Rng, c: Concept): string {
  const v = rng.pick(c.variants);
  const slavic = c.lang !== 'en';
  let term: string;
  if (v.kind === 'inflected') {
    const usePrefix = [...v.stem].length >= 4 && rng.chance(slavic ? 0.75 : 0.35);
    term = usePrefix ? `${v.stem}*` : rng.pick(v.forms);
  } else if (v.text.includes(' ') && slavic && rng.chance(0.5)) {
    // "гарантії безпеки" -> "гаранті* безпек*": a phrase whose words may be inflected
    term = v.text
      .split(' ')
      .map((w) => ([...w].length >= 5 ? `${[...w].slice(0, -1).join('')}*` : w))
      .join(' ');
  } else {
    term = v.text;
  }
  // Analysts write lower case more often than not; the engine folds case anyway.
  return rng.chance(0.6) ? term.toLowerCase() : term;
}

interface Ctx {
  rng: Rng;
  vocab: Vocab;
  topic: string;
  /** The languages of this rule: all three (as most real rules are), or one. */
  langs: readonly Lang[];
  used: Set<string>;
}

/** Terms for one concept in each of the rule's languages, sometimes two ways of writing it per language. */
function conceptTerms(ctx: Ctx, topic: string, index: number): string[] {
  const out: string[] = [];
  for (const lang of ctx.langs) {
    const c = ctx.vocab[lang].topics.get(topic)!.concepts[index]!;
    out.push(termFor(ctx.rng, c));
    if (ctx.rng.chance(0.35)) {
      const again = termFor(ctx.rng, c);
      if (!out.includes(again)) out.push(again);
    }
  }
  return out;
}

/** An any-of list for k distinct concepts of a topic (and, in single-language rules, some named entities). */
function group(ctx: Ctx, k: number, topic = ctx.topic, entityShare = 0.3): string[] {
  const { rng, vocab, langs } = ctx;
  const size = vocab.en.topics.get(topic)!.concepts.length;
  const terms: string[] = [];
  let picked = 0;
  for (let guard = 0; picked < k && guard < 60; guard++) {
    const tv = vocab[langs[0]!].topics.get(topic)!;
    if (langs.length === 1 && tv.entities.length && rng.chance(entityShare)) {
      const term = termFor(rng, rng.pick(tv.entities));
      if (ctx.used.has(term.toLowerCase())) continue;
      ctx.used.add(term.toLowerCase());
      terms.push(term);
      picked++;
      continue;
    }
    const index = rng.int(size);
    const key = `${topic}:${index}`;
    if (ctx.used.has(key)) continue;
    ctx.used.add(key);
    terms.push(...conceptTerms(ctx, topic, index));
    picked++;
  }
  if (terms.length === 0) terms.push(termFor(rng, rng.pick(vocab[langs[0]!].topics.get(topic)!.concepts)));
  return terms;
}

/** Lists of what the rule excludes: hedges ("if", "би"), sports and weather, another topic's words. */
function noneLists(ctx: Ctx): MatchExpr[] {
  const { rng } = ctx;
  const out: MatchExpr[] = [];
  const n = rng.range(1, 3);
  for (let i = 0; i < n; i++) {
    const kind = rng.weighted([3, 4, 2]);
    if (kind === 0) out.push(group(ctx, rng.range(1, 3), 'hedges'));
    else if (kind === 1) out.push(group(ctx, rng.range(2, 5), 'misc'));
    else out.push(group(ctx, rng.range(1, 3), rng.pick(TOPICS.filter((t) => !t.noise && t.id !== ctx.topic)).id));
  }
  return out;
}

function ruleMatch(ctx: Ctx): MatchExpr {
  const { rng } = ctx;
  const multi = ctx.langs.length > 1;
  const k = (lo = 1, hi = 3) => rng.range(lo, hi);
  const maybeNone = (node: MatchNode, p: number): MatchNode =>
    rng.chance(p) ? { ...node, none: noneLists(ctx) } : node;
  switch (rng.weighted([18, 18, 14, 10, 10, 18, 12])) {
    case 0: // an anchor (Ukraine, Kremlin, ...) and the topic
      return maybeNone({ all: [group(ctx, k(3, 7), 'context'), group(ctx, k(1, 3)), group(ctx, k(1, 2))] }, 0.8);
    case 1:
      return maybeNone({ all: [group(ctx, k()), group(ctx, k())] }, 0.7);
    case 2: // an action word close to the topic
      return maybeNone(
        {
          all: [group(ctx, k(3, 6), 'context')],
          near: { terms: group(ctx, k(3, 6), 'actions'), of: group(ctx, k(2, 4)), within: k(4, 8) },
        },
        0.8,
      );
    case 3:
      return maybeNone(
        { any: [{ fields: ['title'], any: group(ctx, k(1, 2)) }, { all: [group(ctx, k()), group(ctx, k())] }] },
        0.5,
      );
    case 4: // names and fixed phrases
      return multi ? { all: [group(ctx, 1), group(ctx, 1)] } : group(ctx, k(1, 3), ctx.topic, 1);
    case 5:
      return maybeNone(
        {
          all: [
            group(ctx, k()),
            { any: [group(ctx, k(1, 2)), { all: [group(ctx, k(2, 4), 'actions'), group(ctx, 1)] }] },
          ],
        },
        0.7,
      );
    default:
      return maybeNone(
        { all: [{ fields: ['title', 'summary'], any: group(ctx, k()) }, group(ctx, k(2, 5), 'actions')] },
        0.9,
      );
  }
}

export function generateRules(rng: Rng, vocab: Vocab, count: number): Rule[] {
  const topics = TOPICS.filter((t) => !t.noise);
  const rules: Rule[] = [];
  for (let i = 0; i < count; i++) {
    const topic = topics[rng.weighted(topics.map((t) => t.weight))]!.id;
    const langs = rng.chance(0.7) ? LANGS : [LANGS[rng.weighted([2, 1, 1])]!];
    const ctx: Ctx = { rng, vocab, topic, langs, used: new Set() };
    const evidence: Record<string, number> = {};
    for (const s of SCENARIOS) evidence[s] = rng.chance(0.5) ? Math.round((rng.next() * 3 - 1.5) * 100) / 100 : 0;
    rules.push({
      id: `${topic}-${String(i).padStart(4, '0')}`,
      indicator: `${topic}-${rng.int(10)}`,
      fields: ['title', 'summary', 'content'],
      match: ruleMatch(ctx),
      evidence,
      severity: SEVERITIES[rng.weighted([2, 5, 2, 1])]!,
    });
  }
  return rules;
}
