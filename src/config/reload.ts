// Hot reload: watch the watchbook's files and hand on each valid new version; a broken edit is refused.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ReloadStatus } from '../model/reload.js';
import type { Watchbook } from '../model/watchbook.js';
import { loadWatchbook } from './load.js';
import { formatProblem, type Problem } from './problem.js';

/**
 * Watch the watchbook on disk (by modification times, which works on every filesystem and in containers
 * where inotify events do not arrive) and call back with each valid new version. A broken edit is
 * reported and the running watchbook stays.
 */
export function watchWatchbook(
  path: string,
  onValid: (wb: Watchbook) => Promise<void> | void,
  onInvalid: (problems: Problem[]) => void,
  opts: { intervalMs?: number; loadedFrom?: string } = {},
): { stop(): void; status(): ReloadStatus } {
  // From the files as they were when the running watchbook was read (watchbookFingerprint before the
  // load): an edit made while the process started up is reloaded, not missed until the next one.
  let last = opts.loadedFrom ?? watchbookFingerprint(path);
  let status: ReloadStatus = { ok: true, at: Date.now(), problems: [] };
  let busy = false;
  const refuse = (problems: Problem[]) => {
    status = { ok: false, at: Date.now(), problems: problems.map(formatProblem) };
    onInvalid(problems);
  };
  const check = () => {
    const now = watchbookFingerprint(path);
    if (now === last || busy) return;
    last = now;
    const result = loadWatchbook(path);
    if (!result.watchbook) return refuse(result.problems);
    const watchbook = result.watchbook;
    busy = true;
    // Through then(): a callback that throws, rather than rejects, is a refused reload too.
    Promise.resolve()
      .then(() => onValid(watchbook))
      .then(
        () => (status = { ok: true, at: Date.now(), problems: [] }),
        (err: unknown) => (status = { ok: false, at: Date.now(), problems: [`reload: ${(err as Error).message}`] }),
      )
      .finally(() => (busy = false))
      .catch(() => undefined);
  };
  const timer = setInterval(() => {
    // An exception here would be uncaught and end the process (the web role with it): whatever goes wrong
    // is a refused reload, and the running watchbook stays.
    try {
      check();
    } catch (err) {
      try {
        refuse([{ file: path, line: 1, col: 1, message: `reload: ${(err as Error).message}` }]);
      } catch {
        // onInvalid itself failed: the status above is set, nothing more to do
      }
    }
  }, opts.intervalMs ?? 2_000);
  timer.unref();
  return { stop: () => clearInterval(timer), status: () => status };
}

/** Names, sizes and modification times of the watchbook's files: changes when any file does. */
export function watchbookFingerprint(path: string): string {
  const files: string[] = [];
  const walk = (p: string, depth: number) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory() && depth < 2) {
      let names: string[];
      try {
        names = readdirSync(p).sort();
      } catch {
        return; // unreadable now; the loader says why when it reads the watchbook
      }
      for (const f of names) walk(join(p, f), depth + 1);
    } else if (/\.ya?ml$/.test(p)) files.push(`${p}:${st.size}:${st.mtimeMs}`);
  };
  walk(path, 0);
  return files.join('|');
}
