// A seeded corpus of ~1 KB news items in English, Ukrainian and Russian, for the rule-engine benchmark.
//
// Each language has a vocabulary of a few thousand surface forms with Zipf-like frequencies: its function
// words and the domain's general words (Ukraine, Kremlin, agreed, "би") at the top, then real topical words
// scattered among generated pseudo-words (the long tail). An item
// has a main topic (and sometimes a second one); a share of its words is drawn from the concepts and named
// entities of its topics, in inflected forms for Ukrainian and Russian, with multi-word phrases emitted whole.
// Titles are denser in topical words than bodies. Text gets capitals, punctuation, numbers, quotes,
// hyphenated compounds, possessives and the different apostrophes Ukrainian is written with, so the
// normalizer and tokenizer see what they would see in real feeds.

import { Zipf, type Rng } from './prng.js';
import { ACRONYM, FUNCTION_WORDS, GENERAL, LANGS, TOPICS, type Lang, type TopicSpec } from './vocab.js';

export type Variant = { kind: 'inflected'; stem: string; forms: string[] } | { kind: 'literal'; text: string };

/** A concept or a named entity in one language. */
export interface Concept {
  topic: string;
  lang: Lang;
  /** Index of the concept within its topic (shared by the three languages); -1 for an entity. */
  index: number;
  variants: Variant[];
}

export interface TopicVocab {
  spec: TopicSpec;
  concepts: Concept[];
  entities: Concept[];
  /** Concepts and entities in frequency order for this topic, and a sampler over them. */
  entries: Concept[];
  zipf: Zipf;
}

export interface LangVocab {
  lang: Lang;
  /** Background vocabulary, most frequent first. */
  words: string[];
  zipf: Zipf;
  topics: Map<string, TopicVocab>;
}

export type Vocab = Record<Lang, LangVocab>;

export interface Item {
  id: number;
  lang: Lang;
  topics: string[];
  source: string;
  title: string;
  summary: string;
  content: string;
}

export function parseSpec(spec: string): Variant[] {
  return spec.split('|').map((v): Variant => {
    const colon = v.indexOf(':');
    if (colon < 0) return { kind: 'literal', text: v };
    const stem = v.slice(0, colon);
    return {
      kind: 'inflected',
      stem,
      forms: v
        .slice(colon + 1)
        .split(',')
        .map((e) => stem + e),
    };
  });
}

export function surfaceForms(c: Concept): string[] {
  return c.variants.flatMap((v) => (v.kind === 'inflected' ? v.forms : [v.text]));
}

// --- pseudo-words ---------------------------------------------------------------------------------------

// prettier-ignore
const SYLLABLES: Record<Lang, { onset: string[]; vowel: string[]; coda: string[]; endings: string[][] }> = {
  en: {
    onset: ['b', 'c', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'br', 'cr', 'dr', 'st', 'tr', 'pl', 'gr', 'sh', 'ch', 'th', 'fl', 'sp'],
    vowel: ['a', 'e', 'i', 'o', 'u', 'ea', 'ou', 'ai', 'ee', 'oa'],
    coda: ['', '', '', 'n', 'r', 's', 't', 'l', 'nd', 'st', 'rt', 'ck', 'm', 'nt'],
    endings: [[''], ['', 's'], ['', 'ed', 'ing'], ['', 'er', 'ers'], ['tion', 'tions'], ['ly'], ['ment', 'ments'], ['ness'], ['', 's', 'ed']],
  },
  uk: {
    onset: ['б', 'в', 'г', 'д', 'ж', 'з', 'к', 'л', 'м', 'н', 'п', 'р', 'с', 'т', 'ч', 'ш', 'х', 'ц', 'пр', 'ст', 'кр', 'зв', 'тр', 'сп', 'дв'],
    vowel: ['а', 'о', 'е', 'и', 'і', 'у', 'я', 'ю', 'ї', 'є', 'а', 'о'],
    coda: ['', '', '', 'н', 'р', 'с', 'т', 'л', 'в', 'к', 'ст', 'нн'],
    endings: [['а', 'и', 'у', 'ою'], ['', 'у', 'і', 'ом'], ['ий', 'ого', 'ому', 'і'], ['ість', 'ості'], ['ення', 'енні', 'енням'], ['ати', 'ає', 'ають', 'ав'], ['ка', 'ки', 'ку']],
  },
  ru: {
    onset: ['б', 'в', 'г', 'д', 'ж', 'з', 'к', 'л', 'м', 'н', 'п', 'р', 'с', 'т', 'ч', 'ш', 'х', 'ц', 'пр', 'ст', 'кр', 'зв', 'тр', 'сп', 'дв'],
    vowel: ['а', 'о', 'е', 'и', 'ы', 'у', 'я', 'ю', 'а', 'о', 'е', 'ё'],
    coda: ['', '', '', 'н', 'р', 'с', 'т', 'л', 'в', 'к', 'ст', 'нн'],
    endings: [['а', 'ы', 'у', 'ой'], ['', 'а', 'е', 'ом'], ['ый', 'ого', 'ому', 'ые'], ['ость', 'ости'], ['ение', 'ения', 'ением'], ['ать', 'ает', 'ают', 'ал'], ['ка', 'ки', 'ку']],
  },
};

function pseudoStem(rng: Rng, lang: Lang): string {
  const s = SYLLABLES[lang];
  const n = rng.weighted([0, 3, 5, 2]); // 1..3 syllables
  let w = '';
  for (let i = 0; i < n; i++)
    w += rng.pick(s.onset) + rng.pick(s.vowel) + (i === n - 1 || rng.chance(0.3) ? rng.pick(s.coda) : '');
  return w;
}

const capitalize = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

// --- vocabulary -------------------------------------------------------------------------------------------

const BACKGROUND_SIZE: Record<Lang, number> = { en: 3000, uk: 3600, ru: 3600 };
const ENTITIES_PER_TOPIC = 20;

export function buildVocab(rng: Rng): Vocab {
  const out = {} as Vocab;
  for (const lang of LANGS) {
    const li = LANGS.indexOf(lang);
    const taken = new Set<string>();
    const topics = new Map<string, TopicVocab>();
    const topicalWords: string[] = [];
    for (const spec of GENERAL) {
      const concepts = spec.concepts.map((c, index): Concept => ({
        topic: spec.id,
        lang,
        index,
        variants: parseSpec(c[li]!),
      }));
      for (const c of concepts) for (const f of surfaceForms(c)) taken.add(f.toLowerCase());
      topics.set(spec.id, { spec, concepts, entities: [], entries: concepts, zipf: new Zipf(concepts.length, 0.9, 3) });
    }
    for (const spec of TOPICS) {
      const concepts = spec.concepts.map((c, index): Concept => ({
        topic: spec.id,
        lang,
        index,
        variants: parseSpec(c[li]!),
      }));
      for (const c of concepts) {
        for (const f of surfaceForms(c)) {
          taken.add(f.toLowerCase());
          if (!f.includes(' ')) topicalWords.push(f);
        }
      }
      // Named entities: people and places of the topic, inflected in Ukrainian and Russian.
      const entities: Concept[] = [];
      while (entities.length < ENTITIES_PER_TOPIC) {
        const stem = capitalize(pseudoStem(rng, lang) + pseudoStem(rng, lang).slice(0, 3));
        if (stem.length < 5 || taken.has(stem.toLowerCase())) continue;
        taken.add(stem.toLowerCase());
        const endings =
          lang === 'en'
            ? ['']
            : rng.pick([
                ['', 'а', 'у', 'ом'],
                ['а', 'и', 'у', 'ою'],
                ['', 'і', 'а'],
              ]);
        entities.push({
          topic: spec.id,
          lang,
          index: -1,
          variants: [{ kind: 'inflected', stem, forms: endings.map((e) => stem + e) }],
        });
      }
      const entries = rng.shuffle([...concepts, ...entities]);
      topics.set(spec.id, { spec, concepts, entities, entries, zipf: new Zipf(entries.length, 0.9, 3) });
    }

    // Background: function words first, then pseudo-words with some real topical words mixed into the
    // middle and tail ranks, so off-topic items mention topical words now and then.
    const func = FUNCTION_WORDS[lang];
    for (const w of func) taken.add(w.toLowerCase());
    const pseudo: string[] = [];
    const s = SYLLABLES[lang];
    while (pseudo.length < BACKGROUND_SIZE[lang] - func.length) {
      const stem = pseudoStem(rng, lang);
      for (const e of rng.pick(s.endings)) {
        const w = stem + e;
        if (w.length < 2 || taken.has(w)) continue;
        taken.add(w);
        pseudo.push(w);
      }
    }
    rng.shuffle(pseudo);
    const words = [...func, ...pseudo.slice(0, BACKGROUND_SIZE[lang] - func.length)];
    for (const w of rng.sample(topicalWords, Math.floor(topicalWords.length * 0.6))) {
      words.splice(func.length + 250 + rng.int(words.length - func.length - 250), 0, w);
    }
    for (const spec of GENERAL) {
      const { from, to } = spec.general!;
      for (const c of topics.get(spec.id)!.concepts) {
        for (const f of surfaceForms(c)) words.splice(rng.range(from, to), 0, f);
      }
    }
    out[lang] = { lang, words, zipf: new Zipf(words.length, 1.0, 2.7), topics };
  }
  return out;
}

// --- items --------------------------------------------------------------------------------------------------

const SOURCES: Record<Lang, string[]> = {
  en: ['reuters', 'ap', 'kyiv-independent', 'politico-eu', 'bbc', 'guardian', 'ft', 'nyt', 'nato-news', 'euronews'],
  uk: ['ukrainska-pravda', 'ukrinform', 'suspilne', 'rbc-ua', 'nv', 'zn-ua', 'kiis', 'radio-svoboda'],
  ru: ['meduza', 'tass', 'ria', 'interfax', 'kommersant', 'novaya-gazeta', 'rbc', 'levada'],
};

const QUOTES: Record<Lang, [string, string]> = {
  en: ['\u201c', '\u201d'],
  uk: ['\u00ab', '\u00bb'],
  ru: ['\u00ab', '\u00bb'],
};
const UK_APOSTROPHES = ["'", '\u2019', '\u02bc'];

interface ItemContext {
  lang: LangVocab;
  main: TopicVocab;
  second: TopicVocab | undefined;
}

/** Words of one concept occurrence, as they appear in text. */
function emitConcept(rng: Rng, c: Concept): string[] {
  const v = rng.pick(c.variants);
  const text = v.kind === 'inflected' ? rng.pick(v.forms) : v.text;
  return text.split(' ');
}

function nextWords(rng: Rng, ctx: ItemContext, topical: number): string[] {
  if (rng.chance(topical)) {
    const t = ctx.second && rng.chance(0.3) ? ctx.second : ctx.main;
    return emitConcept(rng, t.entries[t.zipf.draw(rng)]!);
  }
  if (rng.chance(0.012)) return [rng.pick(['2025', '2026', '12', '47%', '3,5', '1991', '24', '100', '15%', '2,3'])];
  return ctx.lang.words[ctx.lang.zipf.draw(rng)]!.split(' ');
}

/** About n words of running text in sentences: capitals, commas, quotes, numbers, hyphens, possessives. */
function sentences(rng: Rng, ctx: ItemContext, n: number, topical: number, final: boolean): string {
  const lang = ctx.lang.lang;
  const out: string[] = [];
  let count = 0;
  while (count < n) {
    const len = Math.min(n - count, rng.range(7, 22));
    const words: string[] = [];
    while (words.length < len) words.push(...nextWords(rng, ctx, topical));
    count += words.length;
    for (let i = 0; i < words.length; i++) {
      let w = words[i]!;
      if (lang === 'uk' && w.includes("'")) w = w.replace("'", rng.pick(UK_APOSTROPHES));
      if (lang === 'en' && i > 0 && /^[A-Z]/.test(w) && !w.endsWith("'s") && rng.chance(0.08))
        w += rng.pick(["'s", '\u2019s']);
      if (i > 0 && i < words.length - 1 && rng.chance(0.012)) {
        // a hyphenated compound: "EU-aligned", "пів-року"
        w = `${w}-${words[i + 1]!}`;
        words.splice(i + 1, 1);
      }
      words[i] = w;
    }
    if (words.length > 4 && rng.chance(0.15)) {
      const a = rng.int(words.length - 3);
      const b = a + rng.range(1, 3);
      const [open, close] = QUOTES[lang];
      words[a] = open + words[a]!;
      words[b] = words[b]! + close;
    }
    for (let i = 0; i < words.length - 1; i++) if (rng.chance(0.07)) words[i] += ',';
    words[0] = ACRONYM.test(words[0]!) ? words[0]! : capitalize(words[0]!);
    const end = final ? (rng.chance(0.05) ? '?' : '.') : '';
    out.push(words.join(' ') + end);
  }
  return out.join(' ');
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

export function generateCorpus(rng: Rng, vocab: Vocab, count: number, targetBytes = 1024): Item[] {
  const topicSpecs = TOPICS;
  const weights = topicSpecs.map((t) => t.weight);
  const signal = topicSpecs.filter((t) => !t.noise);
  const items: Item[] = [];
  for (let id = 0; id < count; id++) {
    const lang = LANGS[rng.weighted([2, 1, 1])]!;
    const lv = vocab[lang];
    const main = lv.topics.get(topicSpecs[rng.weighted(weights)]!.id)!;
    const second = rng.chance(0.3) ? lv.topics.get(rng.pick(signal).id)! : undefined;
    const ctx: ItemContext = { lang: lv, main, second };
    const title = sentences(rng, ctx, rng.range(8, 12), 0.1, false);
    const summary = sentences(rng, ctx, rng.range(25, 35), 0.04, true);
    const target = targetBytes * (0.72 + 0.4 * rng.next());
    const parts: string[] = [];
    let size = bytes(title) + bytes(summary);
    while (size < target) {
      const p = sentences(rng, ctx, rng.range(12, 30), 0.028, true);
      parts.push(p);
      size += bytes(p) + 1;
    }
    items.push({
      id,
      lang,
      topics: second && second !== main ? [main.spec.id, second.spec.id] : [main.spec.id],
      source: rng.pick(SOURCES[lang]),
      title,
      summary,
      content: parts.join(' '),
    });
  }
  return items;
}

export function itemBytes(item: Item): number {
  return bytes(item.title) + bytes(item.summary) + bytes(item.content);
}
