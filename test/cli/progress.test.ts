import { describe, expect, it } from 'vitest';
import { progressLine, progressReporter } from '../../src/cli/progress.js';

// Progress on stderr: items done, rate and time left, at most once a second, and always once at the end.

describe('progressLine', () => {
  // prettier-ignore
  const cases = [
    { name: 'a quarter done in 2 s', done: 5_000, total: 20_000, ms: 2_000, want: '5,000 of 20,000 items (25%), 2,500 items/s, 6.0 s left' },
    { name: 'minutes left', done: 1_000, total: 200_000, ms: 1_000, want: '1,000 of 200,000 items (0%), 1,000 items/s, 3 min 19 s left' },
    { name: 'hours left', done: 10, total: 100_000, ms: 1_000, want: '10 of 100,000 items (0%), 10 items/s, 2 h 46 min left' },
    { name: 'nothing done yet: no rate, no estimate', done: 0, total: 10, ms: 0, want: '0 of 10 items (0%), 0 items/s, ? left' },
    { name: 'done: how long it took', done: 8, total: 8, ms: 400, want: '8 of 8 items (100%), 20 items/s, done in 0.4 s' },
    { name: 'an empty input is done at once', done: 0, total: 0, ms: 0, want: '0 of 0 items (100%), 0 items/s, done in 0.0 s' },
  ];
  for (const c of cases) it(c.name, () => expect(progressLine(c.done, c.total, c.ms)).toBe(c.want));
});

describe('progressReporter', () => {
  /** Reports `done` items of 10 at the given clock times, on a clock that starts at 0. */
  function run(tty: boolean, times: number[]): string[] {
    const out: string[] = [];
    let t = 0;
    const report = progressReporter({ label: 'backtest', tty, write: (s) => out.push(s), now: () => t, everyMs: 1000 });
    times.forEach((at, i) => {
      t = at;
      report(i + 1, times.length);
    });
    return out;
  }

  it('writes a line at most once a second and always the last, when stderr is not a terminal', () => {
    expect(run(false, [100, 900, 1000, 1500, 2100, 2200])).toEqual([
      'backtest: 3 of 6 items (50%), 3 items/s, 1.0 s left\n',
      'backtest: 5 of 6 items (83%), 2 items/s, 0.4 s left\n',
      'backtest: 6 of 6 items (100%), 3 items/s, done in 2.2 s\n',
    ]);
  });

  it('rewrites one line in place on a terminal and ends it once done', () => {
    expect(run(true, [1000, 1200])).toEqual([
      '\rbacktest: 1 of 2 items (50%), 1 items/s, 1.0 s left\u001b[K',
      '\rbacktest: 2 of 2 items (100%), 2 items/s, done in 1.2 s\u001b[K\n',
    ]);
  });
});
