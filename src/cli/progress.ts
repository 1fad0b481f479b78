// Progress of a long command on stderr (items done, rate, time left), for a person watching a terminal.

/** One progress line: `done` of `total` items `elapsedMs` after the start; the last says how long it took. */
export function progressLine(done: number, total: number, elapsedMs: number): string {
  const count = (n: number) => n.toLocaleString('en-US');
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const head = `${count(done)} of ${count(total)} items (${total ? Math.floor((done * 100) / total) : 100}%), ${count(Math.round(rate))} items/s`;
  if (done >= total) return `${head}, done in ${seconds(elapsedMs)}`;
  return `${head}, ${rate > 0 ? seconds(((total - done) * 1000) / rate) : '?'} left`;
}

function seconds(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s - m * 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export interface ProgressOptions {
  /** What the lines are prefixed with (the command). */
  label: string;
  /** A terminal: one line rewritten in place; otherwise (--progress into a file or pipe) a line each time. */
  tty: boolean;
  write: (text: string) => void;
  /** The clock, injected for tests. */
  now?: () => number;
  /** How often a line is written, at most. */
  everyMs?: number;
}

/** A reporter to call after each item: writes at most every `everyMs`, and always once at the end. */
export function progressReporter(opts: ProgressOptions): (done: number, total: number) => void {
  const now = opts.now ?? Date.now;
  const every = opts.everyMs ?? 1000;
  const start = now();
  let last = start;
  return (done, total) => {
    const t = now();
    if (done < total && t - last < every) return;
    last = t;
    const line = `${opts.label}: ${progressLine(done, total, t - start)}`;
    if (!opts.tty) return opts.write(`${line}\n`);
    // \r and erase-to-end-of-line: the line is rewritten in place; a newline once done.
    opts.write(`\r${line}\u001b[K${done >= total ? '\n' : ''}`);
  };
}
