// Silences as in Alertmanager (silence/silence.go): a time-bounded mute defined by matchers. An alert is
// silenced while a silence is active (starts <= now < ends) and every one of its matchers holds; the
// matchers are the same label -> allowed values as routes use. Silences from the watchbook and silences
// added at runtime are checked alike; runtime ones carry an id so they can be listed and expired.

import { createHash } from 'node:crypto';
import type { LabelMatcher, Silence } from '../model/watchbook.js';
import { matchesLabels, matchesMatchers } from './route.js';

/** A silence added at runtime (CLI or web), kept in the store. Expiring one sets `ends` to now; the id stays. */
export interface RuntimeSilence extends Silence {
  id: string;
  createdAt: number;
}

export type SilenceState = 'pending' | 'active' | 'expired';

/** What a person asks for. `starts` defaults to now; a matcher may be one value or a list. */
export interface SilenceInput {
  matchers: Record<string, string | string[]>;
  starts?: number;
  ends: number;
  author: string;
  comment: string;
}

export type MakeSilenceResult = { ok: true; silence: RuntimeSilence } | { ok: false; errors: string[] };

/** The first active silence whose matchers all hold for these labels, or undefined. */
export function isSilenced<S extends Silence>(
  labels: Readonly<Record<string, string>>,
  silences: readonly S[],
  now: number,
): S | undefined {
  return silences.find((s) => silenceState(s, now) === 'active' && matchesLabels(labels, s.matchers));
}

export function silenceState(silence: Pick<Silence, 'starts' | 'ends'>, now: number): SilenceState {
  if (now < silence.starts) return 'pending';
  return now < silence.ends ? 'active' : 'expired';
}

/**
 * Whether a silence passes the filters of `signpost silence list` (amtool's `silence query`): for each filter,
 * one of the values the silence matches on that label satisfies it; a label the silence does not name reads
 * as '', so `severity="high"` lists the silences that name severity high, `severity!="high"` the others.
 */
export function silenceMatchesFilters(silence: Pick<Silence, 'matchers'>, filters: readonly LabelMatcher[]): boolean {
  return filters.every((f) => (silence.matchers[f.name] ?? ['']).some((v) => matchesMatchers({ [f.name]: v }, [f])));
}

/**
 * A stable id from what the silence says: matchers (in any order), start, end, author and comment. Adding
 * the same silence twice (a retried request) gives the same id, so it is kept once. 16 hex characters of
 * SHA-256: ids stay short enough to type in `signpost silences expire <id>`.
 */
export function silenceId(silence: Silence): string {
  const matchers = Object.keys(silence.matchers)
    .sort()
    .map((k) => [k, [...(silence.matchers[k] ?? [])].sort()]);
  const basis = JSON.stringify([matchers, silence.starts, silence.ends, silence.author, silence.comment]);
  return createHash('sha256').update(basis).digest('hex').slice(0, 16);
}

/** Everything wrong with a silence, or nothing. Messages say what was expected and what was given. */
export function validateSilence(input: SilenceInput, now: number): string[] {
  const errors: string[] = [];
  const starts = input.starts ?? now;
  const entries = Object.entries(input.matchers ?? {}).map(
    ([label, v]) => [label, typeof v === 'string' ? [v] : v] as const,
  );
  if (!entries.length) errors.push('silence: expected at least one matcher (label: value), got none');
  for (const [label, values] of entries) {
    if (!label.trim()) errors.push('silence: a matcher has an empty label name');
    if (!Array.isArray(values) || !values.length) errors.push(`silence: matcher "${label}" needs at least one value`);
  }
  // As Alertmanager asks: a silence whose every matcher takes only the empty value would mute every alert
  // that merely lacks those labels, which is almost never what was meant.
  if (entries.length && entries.every(([, v]) => Array.isArray(v) && v.length > 0 && v.every((x) => x === ''))) {
    errors.push('silence: expected at least one matcher with a non-empty value, got only empty ones');
  }
  if (!Number.isFinite(starts)) errors.push(`silence: starts is not a time: ${String(input.starts)}`);
  if (!Number.isFinite(input.ends)) errors.push(`silence: ends is not a time: ${String(input.ends)}`);
  else if (Number.isFinite(starts) && input.ends <= starts)
    errors.push(`silence: ends (${iso(input.ends)}) must be after starts (${iso(starts)})`);
  else if (input.ends <= now) errors.push(`silence: ends (${iso(input.ends)}) is already past (now ${iso(now)})`);
  if (!input.author?.trim()) errors.push('silence: expected an author, got an empty one');
  if (!input.comment?.trim()) errors.push('silence: expected a comment saying why, got an empty one');
  return errors;
}

/** A runtime silence with its id, or every reason it cannot be made. */
export function makeSilence(input: SilenceInput, now: number): MakeSilenceResult {
  const errors = validateSilence(input, now);
  if (errors.length) return { ok: false, errors };
  const silence: Silence = {
    matchers: Object.fromEntries(
      Object.entries(input.matchers).map(([k, v]) => [k.trim(), typeof v === 'string' ? [v] : [...v]]),
    ),
    starts: input.starts ?? now,
    ends: input.ends,
    author: input.author.trim(),
    comment: input.comment.trim(),
  };
  return { ok: true, silence: { id: silenceId(silence), createdAt: now, ...silence } };
}

function iso(t: number): string {
  return new Date(t).toISOString();
}
