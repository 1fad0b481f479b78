import { makeSilence, silenceState, type RuntimeSilence } from '../alerts/index.js';
import { parseDuration } from '../config/index.js';
import { withStore } from './with-store.js';

type Values = Record<string, string | boolean | string[] | undefined>;

const USAGE = `Usage:
  signpost silence add label=value ... --ends 2h|2026-07-02T00:00:00Z --author NAME --comment TEXT [--starts TIME]
  signpost silence list
  signpost silence expire ID`;

/** A time given as a duration from now (`2h`) or as a date-time. */
function time(text: string, now: number): number | undefined {
  const ms = parseDuration(text);
  if (ms !== undefined) return now + ms;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * `signpost silence add|list|expire`: silences kept in Redis, next to those in the watchbook. A silenced
 * alert is not sent; it still counts in the picture.
 */
export async function runSilence(positionals: string[], v: Values): Promise<number> {
  const [verb, ...rest] = positionals;
  if (verb !== 'add' && verb !== 'list' && verb !== 'expire') {
    console.error(USAGE);
    return 2;
  }
  const now = Date.now();
  let input: RuntimeSilence | undefined;
  if (verb === 'add') {
    const matchers: Record<string, string[]> = {};
    for (const pair of rest) {
      const eq = pair.indexOf('=');
      if (eq <= 0) {
        console.error(`signpost silence: expected label=value, got "${pair}"\n${USAGE}`);
        return 2;
      }
      (matchers[pair.slice(0, eq)] ??= []).push(pair.slice(eq + 1));
    }
    const ends = typeof v.ends === 'string' ? time(v.ends, now) : undefined;
    const starts = typeof v.starts === 'string' ? time(v.starts, now) : now;
    if (ends === undefined || starts === undefined) {
      console.error(`signpost silence: --ends (and --starts) take a duration such as 2h or a date-time\n${USAGE}`);
      return 2;
    }
    const made = makeSilence({ matchers, starts, ends, author: String(v.author ?? ''), comment: String(v.comment ?? '') }, now);
    if (!made.ok) {
      for (const e of made.errors) console.error(`signpost ${e}`);
      return 2;
    }
    input = made.silence;
  }
  if (verb === 'expire' && rest.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  return withStore(async (store) => {
    if (input) {
      await store.addSilence(input);
      console.log(input.id);
      return 0;
    }
    if (verb === 'expire') {
      if (await store.expireSilence(rest[0]!, now)) return 0;
      console.error(`signpost silence: no silence ${rest[0]}`);
      return 1;
    }
    for (const s of await store.silences()) {
      const matchers = Object.entries(s.matchers).map(([k, vals]) => `${k}=${vals.join('|')}`).join(' ');
      console.log(`${s.id}  ${silenceState(s, now).padEnd(7)}  ${new Date(s.starts).toISOString()} .. ${new Date(s.ends).toISOString()}  ${matchers}  by ${s.author}: ${s.comment}`);
    }
    return 0;
  });
}
