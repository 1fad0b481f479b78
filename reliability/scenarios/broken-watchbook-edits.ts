// Thirty broken watchbook edits (lib/broken-edits.ts) applied one after another to the folder a running
// `signpost worker` watches, the good files restored under each, while items flow. The worker must stay
// up, refuse every edit (a "refused" log line after it, and no reload), and alert every item once.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { logsWith } from '../../test/worker/helpers/processes.js';
import { BROKEN_EDITS, type EditFiles } from '../lib/broken-edits.js';
import type { Scenario } from '../lib/scenario.js';
import { sample, sleep, tally, waitUntil } from '../lib/tally.js';
import { started, startWorld } from '../lib/world.js';

const REFUSED = 'Watchbook edit refused; the running watchbook stays';
const RELOADED = 'Watchbook reloaded';
/** The worker looks at the folder every 2 s. */
const REFUSAL_WITHIN_MS = 10_000;
const SETTLE_MS = 8_000;
/** After "Worker started", the worker's watcher is set up and has looked at the folder (every 2 s). */
const WATCHER_READY_MS = 5_000;

export const scenario: Scenario = {
  name: 'broken-watchbook-edits',
  budgetMs: { scaled: 300_000, full: 420_000 },
  async run({ full, deadline, scope, log }) {
    const size = full ? { sources: 20, perSource: 32 } : { sources: 5, perSource: 32 };
    const world = await startWorld({ sources: size.sources, every: '1s', rules: size.perSource }, scope);
    const { book } = world;
    let extra: string[] = [];
    // Written whole and renamed into place, broken file first and restorations after: the worker, which
    // looks whenever it likes, sees only states that are broken (or, at the very end, good), never a good
    // state between two edits nor half a file.
    const put = (path: string, content: string | Buffer): void => {
      const tmp = join(book.dir, `.edit-${process.pid}.tmp`);
      writeFileSync(tmp, content);
      renameSync(tmp, path);
    };
    const restore = (keep: readonly string[] = []): void => {
      for (const p of extra.filter((x) => !keep.includes(x)))
        rmSync(join(book.dir, p), { recursive: true, force: true });
      extra = extra.filter((x) => keep.includes(x));
      if (!keep.includes('watchbook.yaml')) put(book.watchbookPath, book.good.watchbook);
      if (!keep.includes('rules/rel.yaml')) put(book.rulesPath, book.good.rules);
    };
    const apply = (files: EditFiles): void => {
      for (const [p, content] of Object.entries(files)) {
        const path = join(book.dir, p);
        mkdirSync(dirname(path), { recursive: true });
        if (typeof content === 'object' && !Buffer.isBuffer(content)) mkdirSync(path, { recursive: true });
        else put(path, content);
        if (p !== 'watchbook.yaml' && p !== 'rules/rel.yaml') extra.push(p);
      }
      restore(Object.keys(files));
    };
    const worker = world.spawn('w');
    await waitUntil(() => started(worker), Math.min(deadline, Date.now() + 30_000));
    // The watcher takes its first look a moment after "Worker started": an edit before that goes unseen.
    await sleep(WATCHER_READY_MS);
    // Items through the whole run of edits (about 3 s each).
    const alerts = world.publish(size.perSource, Date.now(), (BROKEN_EDITS.length * 3_000) / size.perSource);
    log(
      `${BROKEN_EDITS.length} broken edits while ${size.sources} sources publish ${alerts.size} items that should alert`,
    );
    const reloadsBefore = logsWith(worker, RELOADED).length;
    const accepted: string[] = [];
    const unanswered: string[] = [];
    for (const edit of BROKEN_EDITS) {
      if (worker.exited() || Date.now() > deadline) break;
      const seen = worker.logs.length;
      apply(edit.files(book.good));
      const refused = await waitUntil(
        () => worker.logs.slice(seen).some((l) => l.msg === REFUSED || l.msg === RELOADED),
        Math.min(deadline, Date.now() + REFUSAL_WITHIN_MS),
        100,
      );
      const answer = worker.logs.slice(seen).find((l) => l.msg === REFUSED || l.msg === RELOADED);
      if (!refused || !answer) unanswered.push(edit.name);
      else if (answer.msg === RELOADED) accepted.push(edit.name);
      else
        log(
          `refused ${edit.name}: ${JSON.stringify(answer.problem ?? answer.problems ?? '')
            .replace(book.dir, '')
            .slice(0, 160)}`,
        );
    }
    restore();
    const reloadsDuring = logsWith(worker, RELOADED).length - reloadsBefore;

    await waitUntil(() => [...alerts].every((id) => world.slack.firstAt.has(id)), deadline, 250);
    await sleep(Math.min(SETTLE_MS, deadline - Date.now()));
    const t = tally(alerts, world.slack.accepted);
    const alive = !worker.exited();
    const refusedAll = accepted.length === 0 && unanswered.length === 0;
    log(
      `expected ${BROKEN_EDITS.length} edits refused and no reload; refused ${BROKEN_EDITS.length - accepted.length - unanswered.length}, accepted ${accepted.length} (${sample(accepted)}), no answer within ${REFUSAL_WITHIN_MS / 1000} s ${unanswered.length} (${sample(unanswered)}); reloads while broken ${reloadsDuring}`,
    );
    log(
      `expected the worker up throughout: ${alive ? 'it is' : `it exited ${JSON.stringify(worker.exited())}: ${worker.text.slice(-3).join(' / ')}`}`,
    );
    log(
      `expected ${t.expected} alerts, each once; saw ${t.processed} distinct, lost ${t.lost} (${sample(t.lostIds)}), duplicated ${t.duplicated} (${sample(t.duplicatedIds)}), unexpected ${t.unexpected}; worker warnings: ${world.complaints()}`,
    );
    return {
      name: scenario.name,
      expected: t.expected,
      processed: t.processed,
      lost: t.lost,
      duplicated: t.duplicated,
      recovered_s: 0,
      pass: alive && refusedAll && reloadsDuring === 0 && t.lost === 0 && t.duplicated === 0 && t.unexpected === 0,
    };
  },
};
