import { describe, expect, it } from 'vitest';
import { fingerprint, hammingDistance, isNearDuplicate, NEAR_DUPLICATE_BITS } from '../../src/items/index.js';
import { asText, en, ru, type Story, uk } from './news-stories.js';

// Calibration. Each pair below has two numbers: the distance this fingerprint measures (pinned here, so a
// change of the hash shows up as a change of these names), and in brackets the expected distance,
// 64·θ/π for the angle θ between the two texts' shingle vectors, which is what the distance averages to
// over hash functions. One hash function is one draw, about ±3 bits around it.
//
//                         en            uk            ru
//   reworded (4 words)    11 (E 9.0)    11 (E 10.0)   14 (E 10.6)
//   sentence appended      6 (E 6.2)     6 (E 5.2)     4 (E 6.9)
//   retitled + dateline    6 (E 8.8)    10 (E 8.8)    11 (E 10.0)
//   same topic, other     32-39 (E 31-32) 24-31 (E 27-32) 24-34 (E 27-32)
//
// Over 2,000 independent hash functions (scratch study, numbers in simhash.ts): at 14 bits 3.4% of the
// same-story pairs are missed and 0.011% of the same-topic pairs merged; at 12 bits 10.5% / 0%; at 6 bits
// 71% / 0%. The closest other story (24 bits) shares a survey's method sentence (uk) or the Duma's stock
// phrases (ru); 14 keeps a 10-bit margin to it.

const d = (a: Story, b: Story): number => hammingDistance(fingerprint(asText(a)), fingerprint(asText(b)));

type Pair = [name: string, a: Story, b: Story, distance: number];

const sameStory: Pair[] = [
  ['en: lightly reworded (4 words changed) is 11 bits away (E 9.0)', en.original, en.reworded, 11],
  ['en: a sentence appended is 6 bits away (E 6.2)', en.original, en.appended, 6],
  ['en: syndicated under another headline with a dateline is 6 bits away (E 8.8)', en.original, en.retitled, 6],
  ['uk: lightly reworded (4 words, and ’ written as ʼ) is 11 bits away (E 10.0)', uk.original, uk.reworded, 11],
  ['uk: a sentence appended is 6 bits away (E 5.2)', uk.original, uk.appended, 6],
  ['uk: syndicated under another headline with a dateline is 10 bits away (E 8.8)', uk.original, uk.retitled, 10],
  ['ru: lightly reworded (4 words changed) is 14 bits away (E 10.6)', ru.original, ru.reworded, 14],
  ['ru: a sentence appended is 4 bits away (E 6.9)', ru.original, ru.appended, 4],
  ['ru: syndicated under another headline with a dateline is 11 bits away (E 10.0)', ru.original, ru.retitled, 11],
];

// prettier-ignore
const otherStory: Pair[] = [
  ['en: Zelensky on territory, same Miami talks vocabulary, is 39 bits away (E 30.8)', en.original, en.sameTopic[0], 39],
  ['en: NATO partners story is 32 bits away (E 32.0)', en.original, en.sameTopic[1], 32],
  ['en: the two other stories are 35 bits apart (E 32.0)', en.sameTopic[0], en.sameTopic[1], 35],
  ['uk: KIIS trust poll sharing the same method sentence is 24 bits away (E 26.8)', uk.original, uk.sameTopic[0], 24],
  ['uk: Razumkov guarantees poll is 31 bits away (E 31.8)', uk.original, uk.sameTopic[1], 31],
  ['uk: the two other polls are 31 bits apart (E 32.0)', uk.sameTopic[0], uk.sameTopic[1], 31],
  ['ru: another first reading in the Duma (stock phrases shared) is 24 bits away (E 27.4)', ru.original, ru.sameTopic[0], 24],
  ['ru: Peskov on EU membership is 34 bits away (E 32.0)', ru.original, ru.sameTopic[1], 34],
  ['ru: the two other stories are 30 bits apart (E 32.0)', ru.sameTopic[0], ru.sameTopic[1], 30],
  ['en and uk originals are 36 bits apart', en.original, uk.original, 36],
  ['en and ru originals are 29 bits apart', en.original, ru.original, 29],
  ['uk and ru originals are 25 bits apart', uk.original, ru.original, 25],
];

describe('fingerprint', () => {
  it('is 16 lower-case hex digits', () => {
    expect(fingerprint(asText(en.original))).toMatch(/^[\da-f]{16}$/);
  });

  it('is all zeros for a text without words', () => {
    expect(fingerprint('')).toBe('0000000000000000');
    expect(fingerprint(' — … !')).toBe('0000000000000000');
  });

  it.each([
    ['the identical text', asText(uk.original), asText(uk.original)],
    ['case', 'Госдума одобрила законопроект о техрегламентах ЕС', 'ГОСДУМА ОДОБРИЛА ЗАКОНОПРОЕКТ О ТЕХРЕГЛАМЕНТАХ ЕС'],
    ['ё written as е', 'Всё решено: ёлка в Кремле', 'Все решено: елка в Кремле'],
    ['apostrophe variants', "п'ять пʼять п’ять сім'я", "п’ять п'ять пʼять сімʼя"],
    ['punctuation and spacing', 'Talks resume, in Miami; officials say.', 'Talks  resume in Miami — officials say'],
    ['full-width letters (NFKC)', 'ＮＡＴＯ summit in Ankara', 'NATO summit in Ankara'],
  ])('does not change with %s (distance 0)', (_name, a, b) => {
    expect(hammingDistance(fingerprint(a), fingerprint(b))).toBe(0);
  });
});

describe('near duplicates', () => {
  it.each(sameStory)('%s: a near duplicate', (_name, a, b, distance) => {
    expect(d(a, b)).toBe(distance);
    expect(isNearDuplicate(fingerprint(asText(a)), fingerprint(asText(b)))).toBe(true);
  });

  it.each(otherStory)('%s: not a near duplicate', (_name, a, b, distance) => {
    expect(d(a, b)).toBe(distance);
    expect(isNearDuplicate(fingerprint(asText(a)), fingerprint(asText(b)))).toBe(false);
  });

  it(`has its threshold (${NEAR_DUPLICATE_BITS} bits) between the farthest copy and the nearest other story`, () => {
    const farthestCopy = Math.max(...sameStory.map(([, a, b]) => d(a, b)));
    const nearestOther = Math.min(...otherStory.map(([, a, b]) => d(a, b)));
    expect(farthestCopy).toBeLessThanOrEqual(NEAR_DUPLICATE_BITS);
    expect(nearestOther).toBeGreaterThan(NEAR_DUPLICATE_BITS + 6);
  });

  // Titles alone (under 16 words) are fingerprinted word by word: measured closer than with shingles.
  // A title is little evidence either way; a heavy rewording of one is not found.
  // prettier-ignore
  it.each([
    ['en: a title with two words added is 8 bits away', 'Zelensky arrives in Miami for talks with US envoys', 'Zelensky arrives in Miami for talks with US and European envoys', 8, true],
    ['uk: a title with one preposition changed is 8 bits away', 'Зеленський прибув до Маямі на переговори зі США', 'Зеленський прибув у Маямі на переговори зі США', 8, true],
    ['ru: a title with three of nine words reworded is 22 bits away (missed)', 'Песков: Кремль не рассматривает вопрос о вступлении в ЕС', 'Песков: Кремль не рассматривает вступление России в ЕС', 22, false],
    ['en: another title of the Miami talks is 28 bits away', 'Zelensky arrives in Miami for talks with US envoys', 'Rubio says Miami talks with Ukraine made progress', 28, false],
    ['uk: another title of the Miami talks is 28 bits away', 'Зеленський прибув до Маямі на переговори зі США', 'У Маямі завершився другий раунд переговорів щодо гарантій', 28, false],
    ['ru: another title about Russia and the EU is 27 bits away', 'Песков: Кремль не рассматривает вопрос о вступлении в ЕС', 'Госдума приняла закон о признании техрегламентов ЕС', 27, false],
  ] as const)('titles alone: %s', (_name, a, b, distance, near) => {
    expect(hammingDistance(fingerprint(a), fingerprint(b))).toBe(distance);
    expect(isNearDuplicate(fingerprint(a), fingerprint(b))).toBe(near);
  });
});

describe('hammingDistance and isNearDuplicate', () => {
  it.each([
    ['equal fingerprints', '0123456789abcdef', '0123456789abcdef', 0],
    ['all bits differ', '0000000000000000', 'ffffffffffffffff', 64],
    ['the highest and the lowest bit differ', '8000000000000001', '0000000000000000', 2],
    ['only the low half differs', '00000000ffffffff', '0000000000000000', 32],
    ['upper- and lower-case hex are the same', 'ABCDEF0123456789', 'abcdef0123456789', 0],
  ])('counts differing bits: %s', (_name, a, b, bits) => {
    expect(hammingDistance(a, b)).toBe(bits);
  });

  it.each([
    ['too short', '123'],
    ['not hex', 'zzzzzzzzzzzzzzzz'],
    ['too long', '0123456789abcdef0'],
  ])('refuses a fingerprint that is %s', (_name, bad) => {
    expect(() => hammingDistance(bad, '0000000000000000')).toThrow(/items: a fingerprint is 16 hex digits/);
  });

  it('takes another threshold when asked', () => {
    const [a, b] = [fingerprint(asText(en.original)), fingerprint(asText(en.reworded))];
    expect(isNearDuplicate(a, b, 10)).toBe(false);
    expect(isNearDuplicate(a, b, 11)).toBe(true);
  });
});
