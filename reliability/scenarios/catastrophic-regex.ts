// Issue 12, defect 7: a rule's regex that backtracks catastrophically was accepted, and one item could hold a
// worker for minutes. Each pattern below, put in a rule of its own: `signpost validate` must refuse it with
// file:line:col pointing at the pattern's line, quickly; and the same edit made to the rules of a running
// worker must be refused (the running rules stay) while items keep alerting, including after text built to
// make the pattern backtrack ("aaaa...c") is in the feeds. expected = patterns, processed = patterns refused
// both ways; lost = patterns accepted either way. Every item that should alert must reach Slack once.
import { writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { logsWith } from '../../test/worker/helpers/processes.js';
import { runCli } from '../lib/cli.js';
import type { Scenario } from '../lib/scenario.js';
import { sample, seconds, sleep, tally, waitUntil } from '../lib/tally.js';
import { started, startWorld } from '../lib/world.js';

const PATTERNS = ['(a|a)*b', '(?:a|aa)*b', '.*a.*a.*a.*a.*a.*a.*a.*b', 'a{1000000}'];
/** What `signpost validate` may take on one file. */
const VALIDATE_BOUND_MS = 10_000;
/** How long a running worker may take to notice and refuse an edit. */
const RELOAD_BOUND_MS = 15_000;

/** The good rules with one more, `evil`, matching the regex `pattern`. */
function withEvil(good: string, pattern: string): string {
  const doc = parse(good) as { rules: unknown[] };
  doc.rules.push({ id: 'evil', indicator: 'signal', match: [`re:${pattern}`], evidence: { baseline: 'weak' } });
  return stringify(doc);
}

export const scenario: Scenario = {
  name: 'catastrophic-regex',
  budgetMs: { scaled: 120_000, full: 240_000 },
  async run({ full, deadline, scope, log }) {
    const size = full
      ? { sources: 10, perSource: 40, ingestMs: 60_000 }
      : { sources: 3, perSource: 12, ingestMs: 15_000 };
    const world = await startWorld({ sources: size.sources, every: '1s', rules: size.perSource }, scope);
    const good = world.book.good.rules;
    log(
      `${PATTERNS.length} patterns: ${PATTERNS.join('  ')}; each must be refused by validate (file:line:col) and as a live edit; ${size.sources * size.perSource} items over ${size.ingestMs / 1000} s must keep alerting`,
    );

    // 1. `signpost validate`, one pattern at a time.
    const byValidate = new Set<string>();
    for (const p of PATTERNS) {
      const text = withEvil(good, p);
      writeFileSync(world.book.rulesPath, text);
      const line = text.split('\n').findIndex((l) => l.includes(p)) + 1;
      const r = await runCli(['validate', '--config', world.book.dir], { timeoutMs: VALIDATE_BOUND_MS + 5_000 });
      const out = `${r.stdout}\n${r.stderr}`;
      const at = new RegExp(
        `${world.book.rulesPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):(\\d+): ([^\\n]*)`,
      ).exec(out);
      const ok = r.status === 1 && !r.timedOut && r.ms <= VALIDATE_BOUND_MS && at !== null && Number(at[1]) === line;
      if (ok) byValidate.add(p);
      log(
        `validate ${p}: exit ${r.status} in ${seconds(r.ms)} s; ${at ? `rules:${at[1]}:${at[2]} (pattern on line ${line}): ${at[3]!.slice(0, 160)}` : `no file:line:col in "${out.trim().slice(0, 200)}"`}${ok ? '' : ' -- NOT REFUSED AS EXPECTED'}`,
      );
    }
    writeFileSync(world.book.rulesPath, good);
    const check = await runCli(['validate', '--config', world.book.dir], { timeoutMs: VALIDATE_BOUND_MS + 5_000 });
    log(`validate of the good rules: exit ${check.status} (expected 0)`);

    // 2. A running worker, items arriving; each pattern added as a live edit in turn.
    const t0 = Date.now() + 2_000;
    const expected = world.publish(size.perSource, t0, size.ingestMs / size.perSource);
    const w = world.spawn('w');
    await waitUntil(() => started(w), Math.min(deadline, Date.now() + 30_000));
    await waitUntil(() => world.slack.accepted.length > 0, Math.min(deadline, Date.now() + 20_000), 200);
    // Text made to backtrack, in every feed: harmless unless a pattern got in.
    for (const id of world.sourceIds) {
      const at = Date.now();
      world.feeds.add(id, {
        guid: `rel-${id}-evil0000`,
        title: `${'a'.repeat(30_000)}c routine notice`,
        link: `http://news.example.org/rel-${id}-evil0000`,
        published: new Date(at),
        visibleAt: at,
      });
    }
    const byReload = new Set<string>();
    for (const p of PATTERNS) {
      const before = logsWith(w, 'Watchbook edit refused; the running watchbook stays').length;
      const reloadedBefore = logsWith(w, 'Watchbook reloaded').length;
      const text = withEvil(good, p);
      const line = text.split('\n').findIndex((l) => l.includes(p)) + 1;
      const edited = Date.now();
      writeFileSync(world.book.rulesPath, text);
      await waitUntil(
        () =>
          logsWith(w, 'Watchbook edit refused; the running watchbook stays').length > before ||
          logsWith(w, 'Watchbook reloaded').length > reloadedBefore,
        Math.min(deadline, edited + RELOAD_BOUND_MS),
        100,
      );
      const refusal = logsWith(w, 'Watchbook edit refused; the running watchbook stays')
        .slice(before)
        .map((l) => String(l.problem));
      const reloaded = logsWith(w, 'Watchbook reloaded').length > reloadedBefore;
      const pointed = refusal.some((pr) => pr.includes(`${world.book.rulesPath}:${line}:`));
      if (refusal.length && pointed && !reloaded) byReload.add(p);
      log(
        `live edit ${p}: ${reloaded ? 'RELOADED (accepted)' : refusal.length ? `refused in ${seconds(Date.now() - edited)} s: ${refusal[0]!.slice(0, 160)}${pointed ? '' : ` -- not pointing at line ${line}`}` : 'no word from the worker'}; ${world.slack.accepted.length} alerts in so far`,
      );
      // Back to the good rules between edits, so each edit is one change the watcher sees.
      writeFileSync(world.book.rulesPath, good);
      await sleep(1_500);
    }
    writeFileSync(world.book.rulesPath, good);
    const lastEdit = Date.now();

    await waitUntil(() => [...expected].every((id) => world.slack.firstAt.has(id)), deadline, 250);
    await sleep(Math.min(4_000, deadline - Date.now()));
    const t = tally(expected, world.slack.accepted);
    const after = [...world.slack.firstAt.values()].filter((at) => at >= lastEdit).length;
    log(
      `expected ${t.expected} alerts at Slack, each once; saw ${t.processed} distinct (${after} after the last edit), lost ${t.lost} (${sample(t.lostIds)}), duplicated ${t.duplicated} (${sample(t.duplicatedIds)}), unexpected ${t.unexpected}; worker ${w.exited() ? `exited ${JSON.stringify(w.exited())}` : 'running'}; warnings: ${world.complaints()}`,
    );
    const refused = PATTERNS.filter((p) => byValidate.has(p) && byReload.has(p));
    log(
      `patterns refused by validate ${byValidate.size}/${PATTERNS.length}, as a live edit ${byReload.size}/${PATTERNS.length}`,
    );
    return {
      name: scenario.name,
      expected: PATTERNS.length,
      processed: refused.length,
      lost: PATTERNS.length - refused.length,
      duplicated: t.duplicated,
      recovered_s: 0,
      pass:
        refused.length === PATTERNS.length &&
        check.status === 0 &&
        t.lost === 0 &&
        t.duplicated === 0 &&
        t.unexpected === 0 &&
        !w.exited(),
    };
  },
};
