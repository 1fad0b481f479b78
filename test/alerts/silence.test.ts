import { describe, expect, it } from 'vitest';
import {
  isSilenced,
  makeSilence,
  silenceMatchesFilters,
  silenceId,
  silenceState,
  validateSilence,
  type SilenceInput,
} from '../../src/alerts/index.js';
import { loadWatchbookOrThrow } from '../../src/config/index.js';
import type { Silence } from '../../src/model/watchbook.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 6, 1);

const summit: Silence = {
  matchers: { indicator: ['nato-partner-assurances'] },
  starts: T0,
  ends: T0 + 24 * H,
  author: 'duty analyst',
  comment: 'summit day: everything is about NATO',
};
const desk: Silence = {
  matchers: { kind: ['match'], severity: ['high', 'critical'] },
  starts: T0,
  ends: T0 + 2 * H,
  author: 'desk',
  comment: 'drill',
};

const nato = { kind: 'match', indicator: 'nato-partner-assurances', severity: 'high' };

describe('isSilenced', () => {
  it.each<[string, Record<string, string>, number, Silence | undefined]>([
    ['mutes an alert every matcher holds for, while active', nato, T0 + H, summit],
    ['is active from its start, inclusive', nato, T0, summit],
    ['is over at its end, exclusive', { ...nato, severity: 'low' }, T0 + 24 * H, undefined],
    ['does nothing before it starts', { ...nato, severity: 'low' }, T0 - 1, undefined],
    [
      'leaves an alert of another indicator alone',
      { kind: 'match', indicator: 'ukraine-polling', severity: 'low' },
      T0 + H,
      undefined,
    ],
    ['needs every matcher to hold, not one', { kind: 'scenario', severity: 'high' }, T0 + H, undefined],
    ['takes any of a matcher’s values', { kind: 'match', indicator: 'x', severity: 'critical' }, T0 + H, desk],
    ['does not match an alert that lacks the label', { kind: 'match' }, T0 + H, undefined],
  ])('%s', (_, labels, now, want) => {
    expect(isSilenced(labels, [summit, desk], now)).toBe(want);
  });

  it('returns the first active silence that matches', () => {
    expect(isSilenced(nato, [desk, summit], T0 + H)).toBe(desk);
    expect(isSilenced(nato, [desk, summit], T0 + 3 * H)).toBe(summit);
  });

  it('mutes by the docs/watchbook.md silence as the loader reads it: summit days, dates as whole days', () => {
    const wb = loadWatchbookOrThrow(new URL('fixtures/silences.yaml', import.meta.url).pathname, {});
    const [silence] = wb.silences;
    expect(isSilenced(nato, wb.silences, T0 - 1)).toBeUndefined();
    expect(isSilenced(nato, wb.silences, T0)).toBe(silence);
    expect(isSilenced(nato, wb.silences, Date.UTC(2026, 6, 2, 23))).toBe(silence);
    expect(isSilenced(nato, wb.silences, Date.UTC(2026, 6, 3))).toBeUndefined();
    expect(isSilenced({ ...nato, indicator: 'ukraine-polling' }, wb.silences, T0 + H)).toBeUndefined();
  });
});

describe('silenceState', () => {
  it.each([
    ['pending before it starts', T0 - 1, 'pending'],
    ['active from its start', T0, 'active'],
    ['active until just before its end', T0 + 24 * H - 1, 'active'],
    ['expired at its end', T0 + 24 * H, 'expired'],
  ])('%s', (_, now, want) => {
    expect(silenceState(summit, now)).toBe(want);
  });
});

describe('makeSilence', () => {
  const input: SilenceInput = {
    matchers: { indicator: 'nato-partner-assurances' },
    ends: T0 + 24 * H,
    author: ' duty analyst ',
    comment: 'summit day',
  };

  it('makes a silence with an id, starting now by default, values as lists, words trimmed', () => {
    const made = makeSilence(input, T0);
    if (!made.ok) throw new Error(made.errors.join('; '));
    const { id, ...rest } = made.silence;
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(rest).toEqual({
      createdAt: T0,
      matchers: { indicator: ['nato-partner-assurances'] },
      starts: T0,
      ends: T0 + 24 * H,
      author: 'duty analyst',
      comment: 'summit day',
    });
  });

  it('gives the same request the same id (a retried add is kept once), and another request another', () => {
    const id = (i: SilenceInput, now = T0) => (makeSilence(i, now) as { silence: { id: string } }).silence.id;
    expect(id(input)).toBe(id(input));
    expect(id({ ...input, starts: T0 }, T0)).toBe(id({ ...input, starts: T0 }, T0 + 1));
    expect(id({ ...input, comment: 'another day' })).not.toBe(id(input));
  });

  it('ids do not depend on the order of matchers or of their values', () => {
    const a: Silence = { ...desk, matchers: { kind: ['match'], severity: ['high', 'critical'] } };
    const b: Silence = { ...desk, matchers: { severity: ['critical', 'high'], kind: ['match'] } };
    expect(silenceId(a)).toBe(silenceId(b));
  });

  // prettier-ignore
  it.each<[string, Partial<SilenceInput>, string[]]>([
    ['refuses a silence with no matcher: it would mute everything', { matchers: {} }, ['silence: expected at least one matcher (label: value), got none']],
    ['refuses a matcher with no values', { matchers: { indicator: [] } }, ['silence: matcher "indicator" needs at least one value']],
    ['refuses matchers that only take the empty value', { matchers: { severity: '' } }, ['silence: expected at least one matcher with a non-empty value, got only empty ones']],
    ['refuses an end before the start', { starts: T0 + 2 * H, ends: T0 + H }, ['silence: ends (2026-07-01T01:00:00.000Z) must be after starts (2026-07-01T02:00:00.000Z)']],
    ['refuses an end equal to the start', { starts: T0 + H, ends: T0 + H }, ['silence: ends (2026-07-01T01:00:00.000Z) must be after starts (2026-07-01T01:00:00.000Z)']],
    ['refuses an end already past', { starts: T0 - 2 * H, ends: T0 - H }, ['silence: ends (2026-06-30T23:00:00.000Z) is already past (now 2026-07-01T00:00:00.000Z)']],
    ['refuses an empty author', { author: '  ' }, ['silence: expected an author, got an empty one']],
    ['refuses an empty comment', { comment: '' }, ['silence: expected a comment saying why, got an empty one']],
    ['refuses a time that is not one', { ends: Number.NaN }, ['silence: ends is not a time: NaN']],
    ['collects every problem at once', { matchers: {}, author: '', comment: '' }, ['silence: expected at least one matcher (label: value), got none', 'silence: expected an author, got an empty one', 'silence: expected a comment saying why, got an empty one']],
  ])('%s', (_, change, errors) => {
    expect(validateSilence({ ...input, ...change }, T0)).toEqual(errors);
    expect(makeSilence({ ...input, ...change }, T0)).toEqual({ ok: false, errors });
  });

  it('accepts a silence that starts later', () => {
    expect(makeSilence({ ...input, starts: T0 + H, ends: T0 + 2 * H }, T0)).toMatchObject({
      ok: true,
      silence: { starts: T0 + H },
    });
  });

  it('a made silence mutes what it matches while active', () => {
    const made = makeSilence({ ...input, ends: T0 + H }, T0);
    if (!made.ok) throw new Error(made.errors.join('; '));
    expect(isSilenced(nato, [made.silence], T0 + 1)).toBe(made.silence);
    expect(isSilenced(nato, [made.silence], T0 + H)).toBeUndefined();
  });
});

describe('silenceMatchesFilters (signpost silence list MATCHER ...)', () => {
  const f = (name: string, op: '=' | '!=' | '=~' | '!~', value: string) => ({ name, op, value });
  it.each<[string, Silence, ReturnType<typeof f>[], boolean]>([
    ['no filters list every silence', desk, [], true],
    ['a filter on a value the silence mutes', desk, [f('severity', '=', 'critical')], true],
    ['a filter on a value it does not mute', desk, [f('severity', '=', 'low')], false],
    ['a label the silence does not name reads as empty', summit, [f('severity', '=', 'high')], false],
    ['so a negation on it holds', summit, [f('kind', '!=', 'match')], true],
    ['a regex over one of the muted values', desk, [f('severity', '=~', 'crit.*')], true],
    ['a negated regex fails only when every muted value matches', desk, [f('severity', '!~', 'high')], true],
    ['every filter must hold', desk, [f('kind', '=', 'match'), f('severity', '=', 'info')], false],
  ])('%s', (_, silence, filters, want) => {
    expect(silenceMatchesFilters(silence, filters)).toBe(want);
  });
});
