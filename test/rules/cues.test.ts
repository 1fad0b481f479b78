import { describe, expect, it } from 'vitest';
import type { MatchExpr, Rule } from '../../src/model/watchbook.js';
import { Matcher } from '../../src/rules/index.js';

// Scoped negation and hedging (src/rules/cues.ts): a cue a few words before a matched term, in its clause,
// changes what the match counts for, as the rule says.

const ALL: Rule['fields'] = ['title', 'summary', 'content'];

function rule(id: string, match: MatchExpr, extra: Partial<Rule> = {}): Rule {
  return { id, indicator: 'i', fields: ALL, match, evidence: { baseline: 1, risk: 0 }, severity: 'critical', ...extra };
}

const CEASEFIRE_AGREED: MatchExpr = {
  all: [['ceasefire', 'перемир*', 'truce']],
  near: { terms: ['agree*', 'домовил*', 'договорил*'], within: 8 },
};
const OFFENSIVE: MatchExpr = ['offensive', 'наступ*', 'наступлени*'];
const WITHDRAW: MatchExpr = { all: [['withdraw*'], ['guarantee*']] };
/** An event (near's terms) in its context: negation and hedging are read on the event only. */
const PROGRESS: MatchExpr = {
  all: [['talks', 'переговор*', 'details']],
  near: { terms: ['progress', 'прогрес*', 'breakthrough'], within: 'sentence' },
};

type Case = [name: string, match: MatchExpr, title: string, expected: 'plain' | 'negated' | 'hedged' | 'nothing'];

// prettier-ignore
const cases: Case[] = [
  ['a plain statement is the event', CEASEFIRE_AGREED, 'Russia and Ukraine agree on a ceasefire', 'plain'],
  ['"fail to" negates (en)', CEASEFIRE_AGREED, 'Russia and Ukraine fail to agree on a ceasefire', 'negated'],
  ['"did not" negates (en)', CEASEFIRE_AGREED, 'Russia and Ukraine did not agree a ceasefire', 'negated'],
  ['"no intention of" negates (en)', WITHDRAW, 'The US has no intention of withdrawing guarantees', 'negated'],
  ['"denies" negates a term a few words on (en)', OFFENSIVE, 'Kremlin denies plans for a new offensive', 'negated'],
  ['не negates (uk)', CEASEFIRE_AGREED, "Росія та Україна не домовилися про перемир'я", 'negated'],
  ['не negates (ru)', CEASEFIRE_AGREED, 'Россия и Украина не договорились о перемирии', 'negated'],
  ['заперечує negates (uk)', OFFENSIVE, 'Кремль заперечує підготовку нового наступу', 'negated'],
  ['"may" hedges (en)', CEASEFIRE_AGREED, 'A ceasefire may be agreed next week', 'hedged'],
  ['"reportedly" hedges (en)', CEASEFIRE_AGREED, 'Kyiv reportedly agrees to a ceasefire', 'hedged'],
  ['можливо hedges (uk)', CEASEFIRE_AGREED, "Сторони, можливо, домовилися про перемир'я", 'hedged'],
  ['возможно hedges (ru)', CEASEFIRE_AGREED, 'Стороны, возможно, договорились о перемирии', 'hedged'],
  ['a pseudo-negation negates nothing ("not only")', CEASEFIRE_AGREED, 'Not only did they agree, the ceasefire holds', 'plain'],
  ['a cue does not reach past "but"', CEASEFIRE_AGREED, 'No talks on prisoners, but a ceasefire was agreed', 'plain'],
  ['a cue does not reach past a semicolon', CEASEFIRE_AGREED, 'No talks today; ceasefire agreed by both sides', 'plain'],
  ['a cue does not reach past a full stop', OFFENSIVE, 'Kremlin denies it. A new offensive began', 'plain'],
  ['an abbreviation\'s full stop is no sentence end', CEASEFIRE_AGREED, 'U.S. says no ceasefire agreed', 'negated'],
  ['a cue too far before the term does not reach it', OFFENSIVE, 'Not a word from Moscow on the scale of its long-planned offensive', 'plain'],
  ['a cue after the term does not negate it', OFFENSIVE, 'Russia launches an offensive, Kyiv does not confirm', 'plain'],
  ['a term with one plain occurrence is stated', OFFENSIVE, 'No new offensive in the north, but Russia opens an offensive in the south', 'plain'],
  ['a negator wins over a hedge', CEASEFIRE_AGREED, 'A ceasefire may not be agreed', 'negated'],
  ['a post-negator negates the term before it (uk)', PROGRESS, 'Переговори в Маямі: прогресу немає', 'negated'],
  ['a post-negator negates the term before it (ru)', PROGRESS, 'Переговоры в Майами: прогресса пока нет', 'negated'],
  ['a post-negator does not reach back past a clause end', PROGRESS, 'Переговоры: прогресс. Вопросов нет', 'plain'],
  ['negated context does not negate the event', PROGRESS, 'No details yet, but talks made progress', 'plain'],
  ['a negated event with a plain one is stated', PROGRESS, 'Talks made progress, though no breakthrough', 'plain'],
  ['the event negated, the context plain, is negated', PROGRESS, 'Talks in Miami end without progress', 'negated'],
  [
    'a word the rule asks for is not a cue for it',
    { all: [['reject*'], ['territorial concession*']] },
    'Ukrainians reject territorial concessions',
    'plain',
  ],
];

describe('negation and hedging', () => {
  it.each(cases)('%s', (_name, match, title, expected) => {
    const got = new Matcher([rule('r', match, { negated: 'count', hedged: 'count' })]).match({ title });
    if (expected === 'nothing') return expect(got).toEqual([]);
    expect(got).toHaveLength(1);
    expect(got[0]!.modifier?.kind ?? 'plain').toBe(expected);
  });

  it('names the cue and the term it governed', () => {
    const [m] = new Matcher([rule('r', OFFENSIVE, { negated: 'count' })]).match({
      title: 'Kremlin denies plans for a new offensive',
    });
    expect(m!.modifier).toEqual({ kind: 'negated', cue: 'denies', term: 'offensive' });
  });

  it('ignores a negated match by default, and reduces a hedged one to half weight at low severity', () => {
    const matcher = new Matcher([rule('r', CEASEFIRE_AGREED)]);
    expect(matcher.match({ title: 'Russia and Ukraine fail to agree on a ceasefire' })).toEqual([]);
    const [hedged] = matcher.match({ title: 'A ceasefire may be agreed next week' });
    expect(hedged!.scenarios).toEqual({ baseline: 0.5, risk: 0 });
    expect(hedged!.severity).toBe('low');
  });

  it('counts a negated match the other way with `opposite`, at most low severity', () => {
    const [m] = new Matcher([rule('r', CEASEFIRE_AGREED, { negated: 'opposite' })]).match({
      title: 'Talks fail to agree a ceasefire',
    });
    expect(m!.scenarios).toEqual({ baseline: -1, risk: 0 });
    expect(m!.severity).toBe('low');
  });

  it('drops a hedged match with `ignore`, and keeps both as they are with `count`', () => {
    const title = 'A ceasefire could be agreed';
    expect(new Matcher([rule('r', CEASEFIRE_AGREED, { hedged: 'ignore' })]).match({ title })).toEqual([]);
    const [m] = new Matcher([rule('r', CEASEFIRE_AGREED, { hedged: 'count' })]).match({ title });
    expect(m!.scenarios).toEqual({ baseline: 1, risk: 0 });
    expect(m!.severity).toBe('critical');
  });

  it('takes negators and hedges the watchbook adds', () => {
    const rules = [rule('r', ['peace plan'])];
    const title = 'Rada vetoes peace plan';
    expect(new Matcher(rules).match({ title })).toHaveLength(1);
    expect(new Matcher(rules, { negators: { en: ['vetoes'] } }).match({ title })).toEqual([]);
    const [m] = new Matcher(rules, { hedges: { uk: ['начебто'] } }).match({
      title: 'Рада начебто схвалила peace plan',
    });
    expect(m!.modifier).toMatchObject({ kind: 'hedged', cue: 'начебто' });
  });
});

describe('near within a sentence', () => {
  const SAME_SENTENCE: MatchExpr = { all: [['ceasefire']], near: { terms: ['agreed'], within: 'sentence' } };
  it.each([
    [
      'far apart in one sentence',
      'The ceasefire that the two delegations in Geneva discussed for many long hours was agreed',
      true,
    ],
    ['in two sentences', 'Ceasefire talks went on. Prisoner swap agreed', false],
    ['across a line break', 'Ceasefire talks\nPrisoner swap agreed', false],
    ['across a semicolon (one sentence)', 'Ceasefire discussed; terms agreed', true],
  ])('%s', (_name, title, expected) => {
    expect(new Matcher([rule('r', SAME_SENTENCE)]).match({ title }).length === 1).toBe(expected);
  });
});
