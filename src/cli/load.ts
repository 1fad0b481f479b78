// The watchbook as a command loads it: its problems printed for the person at the terminal.
import { formatProblem, loadWatchbook } from '../config/index.js';
import type { Watchbook } from '../model/watchbook.js';

/**
 * Load the watchbook for a command; on problems, print them all and return undefined. Warnings are for
 * `validate`; the other commands would repeat them on every run.
 */
export function loadOrReport(path: string, opts: { warnings?: boolean } = {}): Watchbook | undefined {
  const { watchbook, problems, warnings } = loadWatchbook(path);
  if (opts.warnings) for (const w of warnings) console.error(formatProblem({ ...w, message: `warning: ${w.message}` }));
  for (const p of problems) console.error(formatProblem(p));
  if (!watchbook) console.error(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${path}`);
  return watchbook;
}
