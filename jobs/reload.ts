import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblem, loadWatchbook, type Problem } from '../src/config/index.js';
import type { Watchbook } from '../src/model/watchbook.js';

/** What the last reload attempt found; shown by the health endpoint and as a metric. */
export interface ReloadStatus {
  ok: boolean;
  at: number;
  problems: string[];
}

/**
 * Watch the watchbook on disk (by modification times, which works on every filesystem and in containers
 * where inotify events do not arrive) and call back with each valid new version. A broken edit is
 * reported and the running watchbook stays.
 */
export function watchWatchbook(
  path: string,
  onValid: (wb: Watchbook) => Promise<void> | void,
  onInvalid: (problems: Problem[]) => void,
  intervalMs = 2_000,
): { stop(): void; status(): ReloadStatus } {
  let last = fingerprint(path);
  let status: ReloadStatus = { ok: true, at: Date.now(), problems: [] };
  let busy = false;
  const timer = setInterval(() => {
    const now = fingerprint(path);
    if (now === last || busy) return;
    last = now;
    const result = loadWatchbook(path);
    if (!result.watchbook) {
      status = { ok: false, at: Date.now(), problems: result.problems.map(formatProblem) };
      onInvalid(result.problems);
      return;
    }
    busy = true;
    Promise.resolve(onValid(result.watchbook))
      .then(
        () => (status = { ok: true, at: Date.now(), problems: [] }),
        (err: unknown) => (status = { ok: false, at: Date.now(), problems: [`reload: ${(err as Error).message}`] }),
      )
      .finally(() => (busy = false))
      .catch(() => undefined);
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer), status: () => status };
}

/** Names, sizes and modification times of the watchbook's files: changes when any file does. */
function fingerprint(path: string): string {
  const files: string[] = [];
  const walk = (p: string, depth: number) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory() && depth < 2) for (const f of readdirSync(p).sort()) walk(join(p, f), depth + 1);
    else if (/\.ya?ml$/.test(p)) files.push(`${p}:${st.size}:${st.mtimeMs}`);
  };
  walk(path, 0);
  return files.join('|');
}
