// `signpost silence add|list|expire`: runtime silences in Redis, their labels checked against the watchbook.
import { makeSilence, silenceMatchesFilters, silenceState, type RuntimeSilence } from '../alerts/index.js';
import { checkLabel, parseDuration, parseMatcherArgs, watchbookLabelValues } from '../config/index.js';
import type { LabelMatcher } from '../model/watchbook.js';
import { loadOrReport } from './load.js';
import { withStore } from './with-store.js';

type Values = Record<string, string | boolean | string[] | undefined>;

const USAGE = `Usage:
  signpost silence add label=value ... --ends 2h|2026-07-02T00:00:00Z --author NAME --comment TEXT [--starts TIME]
  signpost silence list [label=value|label!=value|label=~regex|label!~regex ...] [--expired]
  signpost silence expire ID
Labels: kind, indicator, scenario, severity, source, rule; values are checked against the watchbook (--config).
list shows active and pending silences, or with --expired the expired ones.`;

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
export async function runSilence(positionals: string[], v: Values, config: string): Promise<number> {
  const [verb, ...rest] = positionals;
  if (verb !== 'add' && verb !== 'list' && verb !== 'expire') {
    console.error(USAGE);
    return 2;
  }
  const now = Date.now();
  let input: RuntimeSilence | undefined;
  let filters: LabelMatcher[] = [];
  if (verb === 'list' && rest.length) {
    const wb = loadOrReport(config);
    if (!wb) return 1;
    const parsed = parseMatcherArgs(rest, watchbookLabelValues(wb));
    if (parsed.errors.length) {
      for (const e of parsed.errors) console.error(`signpost silence: ${e}`);
      return 2;
    }
    filters = parsed.matchers;
  }
  if (verb === 'add') {
    const matchers: Record<string, string[]> = {};
    for (const pair of rest) {
      const eq = pair.indexOf('=');
      if (eq <= 0 || /[!=~]/.test(pair[eq - 1]!) || pair[eq + 1] === '~') {
        console.error(
          `signpost silence: expected label=value (a silence matches equal values only), got "${pair}"\n${USAGE}`,
        );
        return 2;
      }
      (matchers[pair.slice(0, eq).trim()] ??= []).push(pair.slice(eq + 1).trim());
    }
    // A misspelt label or value would make a silence that mutes nothing: refused, with the closest name.
    if (Object.keys(matchers).length) {
      const wb = loadOrReport(config);
      if (!wb) return 1;
      const values = watchbookLabelValues(wb);
      const bad = Object.entries(matchers).flatMap(([name, vals]) =>
        vals.flatMap((val) => checkLabel(name, val, values).map((e) => `${name}=${val}: ${e}`)),
      );
      if (bad.length) {
        for (const e of bad) console.error(`signpost silence: ${e}`);
        return 2;
      }
    }
    const ends = typeof v.ends === 'string' ? time(v.ends, now) : undefined;
    const starts = typeof v.starts === 'string' ? time(v.starts, now) : now;
    if (ends === undefined || starts === undefined) {
      console.error(`signpost silence: --ends (and --starts) take a duration such as 2h or a date-time\n${USAGE}`);
      return 2;
    }
    const made = makeSilence(
      { matchers, starts, ends, author: String(v.author ?? ''), comment: String(v.comment ?? '') },
      now,
    );
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
    const expired = v.expired === true;
    for (const s of await store.silences()) {
      if ((silenceState(s, now) === 'expired') !== expired || !silenceMatchesFilters(s, filters)) continue;
      const matchers = Object.entries(s.matchers)
        .map(([k, vals]) => `${k}=${vals.join('|')}`)
        .join(' ');
      console.log(
        `${s.id}  ${silenceState(s, now).padEnd(7)}  ${new Date(s.starts).toISOString()} .. ${new Date(s.ends).toISOString()}  ${matchers}  by ${s.author}: ${s.comment}`,
      );
    }
    return 0;
  });
}
