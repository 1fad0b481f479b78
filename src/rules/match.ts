// The matcher: which rules an item matches and why, each field's words read once whatever the number of rules.
import type { Hit, Match, MatchInput, Modifier } from '../model/item.js';
import type { Cues, Rule, Severity } from '../model/watchbook.js';
import { FIELDS, SEVERITIES } from '../model/watchbook.js';
import { compileRules, MAX_TERMS, type CompiledRule, type WordIndex } from './compile.js';
import { CueReader } from './read-cues.js';
import { CUE_BITS, endsBetween } from './cues.js';
import { SENTENCE } from './expr.js';
import { FIELD_SPAN, fieldOf, ItemState, RULE_SLOT, sortPrefix } from './item-state.js';
import { normalizeText } from './normalize.js';
import { phraseAt } from './phrase.js';
import {
  CHILDREN,
  NEAR_AT,
  NONE_AT,
  OBJECT_PARTS,
  OF_AT,
  OP_ALL,
  OP_ALL_PLAIN,
  OP_ALL_TERMS,
  OP_ANY,
  OP_ANY_PLAIN,
  OP_ANY_TERMS,
  positiveEnd,
  TERM_IDS,
  TERMS_MASK,
  WITHIN,
} from './program.js';
import type { Term } from './term.js';
import { scanTermWords, type WordSpans } from './tokenize.js';

/** Term ids stay below this (compileRules checks), so a position and a term id fit in one number. */
const TERM_SPAN = MAX_TERMS;

/** Cue kinds that negate (ItemState.cueKind holds bits, as WordIndex.cueKind). */
const NEGATES = CUE_BITS.negator | CUE_BITS.post;

/**
 * A regex term reads at most this many characters of a field. Defence in depth behind regex-check.ts: a
 * pattern it lets through can still take time quadratic in the text under matchAll (/a.*b/ on a run of
 * "a" tries every start and scans to the end from each), so the text it runs on is bounded. 20,000
 * characters is a long article; word and phrase terms read the whole field.
 */
export const REGEX_TEXT_CHARS = 20_000;

/** A modified match's severity is at most this: a denial or a maybe is not news to page anyone about. */
const MODIFIED_SEVERITY = 'low';

/** All rules of a watchbook compiled once; `match` reads an item and says which rules matched and why. */
export class Matcher {
  private readonly index: WordIndex;
  private readonly state: ItemState;
  private readonly cues: CueReader;

  constructor(rules: readonly Rule[], cues: Cues = {}) {
    this.index = compileRules(rules, cues);
    this.state = new ItemState(this.index.terms.length, this.index.rules.length);
    this.cues = new CueReader(this.index);
  }

  get ruleCount(): number {
    return this.index.rules.length;
  }

  match(input: MatchInput): Match[] {
    const state = this.state;
    state.next();
    for (let f = 0; f < FIELDS.length; f++) {
      const text = input[FIELDS[f]!];
      if (!text) continue;
      state.present.push(f);
      this.scanField(scanTermWords(normalizeText(text), this.index.firstWords, state.spans[f]!), f, state);
    }

    // Rules evaluated on every item have no counted group, so they are never candidates already.
    for (const r of this.index.alwaysRules) state.candidates[state.candidateCount++] = r;
    if (state.candidateCount === 0) return [];
    const { candidates, candidateCount } = state;
    sortPrefix(candidates, candidateCount);
    const matches: Match[] = [];
    const uses = state.uses;
    const { filtered, programAt, rules } = this.index;
    for (let c = 0; c < candidateCount; c++) {
      const r = candidates[c]!;
      if (filtered[r] && !passesFilter(rules[r]!.rule, input)) continue;
      if (!this.holds(programAt[r]!, state)) continue;
      uses.length = 0;
      if (!this.evaluate(programAt[r]!, state, uses)) continue;
      const { rule } = rules[r]!;
      const cue = this.cues.governing(state, uses, rules[r]!.events);
      const at = cue < 0 ? -1 : Math.floor(cue / TERM_SPAN);
      const kind = cue < 0 ? undefined : state.cueKind[at]! & NEGATES ? 'negated' : 'hedged';
      const action =
        kind === 'negated' ? (rule.negated ?? 'ignore') : kind === 'hedged' ? (rule.hedged ?? 'reduce') : 'count';
      if (action === 'ignore') continue;
      const match = this.explain(rules[r]!, state, uses);
      if (kind)
        modify(match, action, {
          kind,
          cue: this.cues.text(state, at),
          term: writtenTerm(rules[r]!, cue - at * TERM_SPAN, this.index.terms),
        });
      matches.push(match);
    }
    return matches;
  }

  /** Record every term occurrence in one field, and mark the rule groups each new term satisfies. */
  private scanField(spans: WordSpans, field: number, state: ItemState): void {
    const { terms, termWords, phraseNext, countsOfTermInField: counts, groupCount, firstWords } = this.index;
    const base = field * FIELD_SPAN;
    const { epoch, ruleSlots } = state;
    const { walks, count, text, starts } = spans;
    const termIds = firstWords.termIds;
    for (let i = 0; i < count; i++) {
      const walk = walks[i]!;
      for (let k = firstWords.first(walk), kEnd = firstWords.first(walk + 1); k < kEnd; k++) {
        const id = termIds[k]!;
        if (termWords[id]! > 1) {
          if (i + 1 === count || text.charCodeAt(starts[i + 1]!) !== phraseNext[id]) continue;
          if (!phraseAt(terms[id] as Extract<Term, { kind: 'words' }>, spans, i)) continue;
        }
        // Groups once per term and field: a field-bound group may need the term where it occurs again.
        if (!state.add(id, field, base + i)) continue;
        const at = id * FIELDS.length + field;
        for (let e = counts.start[at]!, eEnd = counts.start[at + 1]!; e < eEnd; e++) {
          const entry = counts.items[e]!;
          const rule = entry >> 5;
          const slot = rule * RULE_SLOT;
          const bit = 1 << (entry & 31);
          const had = ruleSlots[slot] === epoch ? ruleSlots[slot + 1]! : 0;
          if (had & bit) continue;
          ruleSlots[slot] = epoch;
          ruleSlots[slot + 1] = had | bit;
          if ((had | bit) === (1 << groupCount[rule]!) - 1) state.candidates[state.candidateCount++] = rule;
        }
      }
    }
  }

  // Evaluation records the term occurrences that made each node hold in `uses`, a flat list of
  // (term id, position) pairs; a node that fails takes its own back off (uses.length = mark), so what is
  // left when a rule matches is exactly its explanation.

  /**
   * Whether the instructions from pc hold: the quick test every candidate rule gets, short-circuiting and
   * allocating nothing (see program.ts for the layout).
   */
  private holds(pc: number, state: ItemState): boolean {
    const code = this.index.program;
    const end = code[pc + 1]!;
    switch (code[pc]) {
      case OP_ANY_PLAIN:
        for (let k = pc + TERM_IDS; k < end; k++) if (state.occurs(code[k]!)) return true;
        return false;
      case OP_ALL_PLAIN:
        for (let k = pc + TERM_IDS; k < end; k++) if (!state.occurs(code[k]!)) return false;
        return true;
      case OP_ANY_TERMS:
        for (let k = pc + TERM_IDS; k < end; k++) if (this.occurs(code[k]!, code[pc + TERMS_MASK]!, state)) return true;
        return false;
      case OP_ALL_TERMS:
        for (let k = pc + TERM_IDS; k < end; k++)
          if (!this.occurs(code[k]!, code[pc + TERMS_MASK]!, state)) return false;
        return true;
      case OP_ALL:
        for (let c = pc + CHILDREN; c < end; c = code[c + 1]!) if (!this.holds(c, state)) return false;
        return true;
      case OP_ANY:
        for (let c = pc + CHILDREN; c < end; c = code[c + 1]!) if (this.holds(c, state)) return true;
        return false;
      default: {
        for (let c = pc + OBJECT_PARTS, cEnd = positiveEnd(code, pc); c < cEnd; c = code[c + 1]!)
          if (!this.holds(c, state)) return false;
        if (code[pc + NONE_AT]! > 0 && this.holds(code[pc + NONE_AT]!, state)) return false;
        const nearAt = code[pc + NEAR_AT]!;
        const ofAt = code[pc + OF_AT]!;
        if (nearAt === 0) return true;
        // Near to what the siblings matched needs their positions: the explaining evaluation decides it.
        if (ofAt === 0) return this.evaluate(pc, state, []);
        return (
          this.holds(nearAt, state) &&
          this.holds(ofAt, state) &&
          this.nearHolds(nearAt, ofAt, code[pc + WITHIN]!, state)
        );
      }
    }
  }

  /** Whether some occurrence from `nearAt` is within `within` words of one from `ofAt`. */
  private nearHolds(nearAt: number, ofAt: number, within: number, state: ItemState): boolean {
    // The quick check never runs inside an evaluation, so one pair of buffers serves every call.
    const { nearTerms: terms, nearAnchors: anchors } = state;
    terms.length = 0;
    anchors.length = 0;
    this.evaluate(nearAt, state, terms);
    this.evaluate(ofAt, state, anchors);
    for (let t = 0; t < terms.length; t += 2) {
      for (let a = 0; a < anchors.length; a += 2) {
        const close =
          within === SENTENCE
            ? this.inSentence(terms[t]!, terms[t + 1]!, anchors[a]!, anchors[a + 1]!, state)
            : this.gap(terms[t]!, terms[t + 1]!, anchors[a]!, anchors[a + 1]!) <= within;
        if (close) return true;
      }
    }
    return false;
  }

  private evaluate(pc: number, state: ItemState, uses: number[]): boolean {
    const code = this.index.program;
    const end = code[pc + 1]!;
    const mark = uses.length;
    switch (code[pc]) {
      case OP_ANY_PLAIN:
      case OP_ANY_TERMS: {
        let found = false;
        for (let k = pc + TERM_IDS; k < end; k++)
          if (this.occurrences(code[k]!, code[pc + TERMS_MASK]!, state, uses) > 0) found = true;
        return found;
      }
      case OP_ALL_PLAIN:
      case OP_ALL_TERMS:
        for (let k = pc + TERM_IDS; k < end; k++) {
          if (this.occurrences(code[k]!, code[pc + TERMS_MASK]!, state, uses) === 0) {
            uses.length = mark;
            return false;
          }
        }
        return true;
      case OP_ALL:
        for (let c = pc + CHILDREN; c < end; c = code[c + 1]!) {
          if (!this.evaluate(c, state, uses)) {
            uses.length = mark;
            return false;
          }
        }
        return true;
      case OP_ANY: {
        let any = false;
        for (let c = pc + CHILDREN; c < end; c = code[c + 1]!) if (this.evaluate(c, state, uses)) any = true;
        return any;
      }
      default: {
        let holds = true;
        for (let c = pc + OBJECT_PARTS, cEnd = positiveEnd(code, pc); holds && c < cEnd; c = code[c + 1]!)
          holds = this.evaluate(c, state, uses);
        if (holds && code[pc + NEAR_AT]! > 0) holds = this.evaluateNear(pc, state, uses, mark);
        // A `none` that holds fails the node (which takes back all it pushed); one that fails pushes nothing.
        if (holds && code[pc + NONE_AT]! > 0) holds = !this.evaluate(code[pc + NONE_AT]!, state, uses);
        if (!holds) uses.length = mark;
        return holds;
      }
    }
  }

  /** One of the object's near terms within its `within` words of an anchor: its `of`, or what the siblings used. */
  private evaluateNear(pc: number, state: ItemState, uses: number[], siblingsFrom: number): boolean {
    const code = this.index.program;
    const ofAt = code[pc + OF_AT]!;
    const within = code[pc + WITHIN]!;
    const terms: number[] = [];
    if (!this.evaluate(code[pc + NEAR_AT]!, state, terms)) return false;
    const anchors: number[] = ofAt ? [] : uses.slice(siblingsFrom);
    if (ofAt && !this.evaluate(ofAt, state, anchors)) return false;
    const closeAnchors = new Set<number>();
    let found = false;
    for (let t = 0; t < terms.length; t += 2) {
      let close = false;
      for (let a = 0; a < anchors.length; a += 2) {
        if (
          within === SENTENCE
            ? this.inSentence(terms[t]!, terms[t + 1]!, anchors[a]!, anchors[a + 1]!, state)
            : this.gap(terms[t]!, terms[t + 1]!, anchors[a]!, anchors[a + 1]!) <= within
        ) {
          close = true;
          closeAnchors.add(a);
        }
      }
      if (close) {
        uses.push(terms[t]!, terms[t + 1]!);
        found = true;
      }
    }
    if (ofAt) for (const a of closeAnchors) uses.push(anchors[a]!, anchors[a + 1]!);
    return found;
  }

  /** Whether two occurrences are in one sentence (a near `within: sentence`); not the same word. */
  private inSentence(idA: number, posA: number, idB: number, posB: number, state: ItemState): boolean {
    if (this.gap(idA, posA, idB, posB) === Infinity) return false;
    const spans = state.spans[fieldOf(posA)]!;
    return !endsBetween(
      spans.text,
      spans.ends[Math.min(posA, posB) % FIELD_SPAN]!,
      spans.starts[Math.max(posA, posB) % FIELD_SPAN]!,
      true,
    );
  }

  /** Words between two occurrences (0 if they touch), Infinity across fields or for the same word. */
  private gap(idA: number, posA: number, idB: number, posB: number): number {
    if (posA === posB || fieldOf(posA) !== fieldOf(posB)) return Infinity;
    const endA = posA + this.wordLength(idA) - 1;
    const endB = posB + this.wordLength(idB) - 1;
    return Math.max(0, posB - endA, posA - endB);
  }

  /** Words a term's occurrence covers; a regex match is placed at its first word. */
  private wordLength(id: number): number {
    return this.index.termWords[id] || 1;
  }

  /** Whether the term occurs in a field of `mask` (a regex term is run on the item the first time it is asked about). */
  private occurs(id: number, mask: number, state: ItemState): boolean {
    if (this.index.termWords[id] === 0) this.runRegex(id, state);
    return state.occursIn(id, mask);
  }

  /** Push the term's occurrences in fields of `mask` onto `uses`; how many there were. */
  private occurrences(id: number, mask: number, state: ItemState, uses: number[]): number {
    if (this.index.termWords[id] === 0) this.runRegex(id, state);
    return state.pushOccurrences(id, mask, uses);
  }

  private runRegex(id: number, state: ItemState): void {
    if (state.regexStamp[id] === state.epoch) return;
    state.regexStamp[id] = state.epoch;
    const term = this.index.terms[id] as Extract<Term, { kind: 'regex' }>;
    for (const f of state.present) {
      const spans = state.spans[f]!;
      const text = spans.text.length > REGEX_TEXT_CHARS ? spans.text.slice(0, REGEX_TEXT_CHARS) : spans.text;
      for (const m of text.matchAll(term.regex)) {
        const pos = f * FIELD_SPAN + spans.wordAt(m.index);
        state.add(id, f, pos);
        state.regexText.set(`${id}:${pos}`, m[0]);
      }
    }
  }

  private explain(compiled: CompiledRule, state: ItemState, uses: number[]): Match {
    const { rule, positive } = compiled;
    // One hit per (position, term), whichever branches reached it, in text order: both in one number.
    const n = uses.length / 2;
    const keys = state.keyBuffer(n);
    for (let u = 0; u < n; u++) keys[u] = uses[2 * u + 1]! * TERM_SPAN + uses[2 * u]!;
    sortPrefix(keys, n);
    const hits: Hit[] = [];
    // Ranks (places in positive.ids) of the terms hit, kept sorted; a match has a term or three, so plain
    // loops beat indexOf, splice and map here, which the profile showed as most of the explanation's cost.
    const { ids, written } = positive;
    const ranks = state.ranks;
    ranks.length = 0;
    const { termWords } = this.index;
    for (let k = 0; k < n; k++) {
      if (k > 0 && keys[k] === keys[k - 1]) continue;
      const pos = Math.floor(keys[k]! / TERM_SPAN);
      const id = keys[k]! - pos * TERM_SPAN;
      const f = fieldOf(pos);
      const word = pos % FIELD_SPAN;
      const text =
        termWords[id] === 0 ? state.regexText.get(`${id}:${pos}`)! : state.spans[f]!.phrase(word, termWords[id]!);
      let rank = 0;
      while (rank < ids.length && ids[rank] !== id) rank++;
      hits.push({ term: written[rank]!, field: FIELDS[f]!, word, text });
      let at = ranks.length;
      while (at > 0 && ranks[at - 1]! > rank) at--;
      if (at > 0 && ranks[at - 1] === rank) continue;
      ranks.push(rank);
      for (let j = ranks.length - 1; j > at; j--) ranks[j] = ranks[j - 1]!;
      ranks[at] = rank;
    }
    const terms: string[] = [];
    for (let j = 0; j < ranks.length; j++) terms.push(written[ranks[j]!]!);
    return {
      rule: rule.id,
      indicator: rule.indicator,
      scenarios: { ...rule.evidence },
      severity: rule.severity,
      terms,
      hits,
    };
  }
}

/** The term as the rule writes it. */
function writtenTerm(compiled: CompiledRule, id: number, terms: readonly Term[]): string {
  const { ids, written } = compiled.positive;
  for (let rank = 0; rank < ids.length; rank++) if (ids[rank] === id) return written[rank]!;
  return terms[id]!.source;
}

/** Apply a negated or hedged match's action (`ignore` never gets here) and record the cue. */
function modify(match: Match, action: 'opposite' | 'reduce' | 'count', modifier: Modifier): void {
  match.modifier = modifier;
  if (action === 'count') return;
  const factor = action === 'opposite' ? -1 : 0.5;
  for (const k of Object.keys(match.scenarios)) match.scenarios[k] = match.scenarios[k]! * factor || 0;
  if (SEVERITIES.indexOf(match.severity as Severity) > SEVERITIES.indexOf(MODIFIED_SEVERITY))
    match.severity = MODIFIED_SEVERITY;
}

function passesFilter(rule: Rule, input: MatchInput): boolean {
  const when = rule.when;
  if (!when) return true;
  if (when.source && !(input.source && when.source.includes(input.source))) return false;
  if (when.lang && !(input.lang && when.lang.includes(input.lang))) return false;
  if (when.tag && !(input.tags && input.tags.some((t) => when.tag!.includes(t)))) return false;
  return true;
}
