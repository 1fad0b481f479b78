// What a reliability scenario is: one file under reliability/scenarios/ exporting `scenario` ({ name, run }).
// The runner gives it the size (scaled or full), a deadline and a cleanup scope; it returns the tally the
// suite's JSON line carries, and says on stderr what it expected and what it saw.

export interface ScenarioOptions {
  /** The full-size run (`--full`); otherwise the scaled-down one CI runs. */
  full: boolean;
  /** Epoch ms by which the scenario must have its answer; waits are bounded by it. */
  deadline: number;
  /** Cleanups run in reverse order after the scenario, whether it passed, failed, threw or overran. */
  scope: Scope;
  /** A line to stderr, prefixed with the scenario's name. */
  log: (line: string) => void;
}

/** One entry of the suite's JSON line (a contract: these keys, these meanings). */
export interface ScenarioResult {
  name: string;
  /** Deliveries (or records) that must happen. */
  expected: number;
  /** Distinct ones that did. */
  processed: number;
  /** Expected ones that never came. */
  lost: number;
  /** Arrivals beyond the first of one id. */
  duplicated: number;
  /** Seconds from the fault's end to the first correct delivery or poll after it; 0 when not applicable. */
  recovered_s: number;
  pass: boolean;
}

export interface Scenario {
  name: string;
  /** How long the scenario may take, scaled and full, in ms; the runner enforces it. */
  budgetMs: { scaled: number; full: number };
  run(opts: ScenarioOptions): Promise<ScenarioResult>;
}

export class Scope {
  private readonly cleanups: { what: string; fn: () => Promise<void> | void }[] = [];

  /** Register a cleanup; returns the value for chaining. */
  defer<T>(what: string, value: T, fn: (value: T) => Promise<void> | void): T {
    this.cleanups.push({ what, fn: () => fn(value) });
    return value;
  }

  /** Run every cleanup, newest first, each bounded; failures are reported, not thrown. */
  async close(report: (line: string) => void): Promise<void> {
    while (this.cleanups.length) {
      const { what, fn } = this.cleanups.pop()!;
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(fn),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('took over 30 s')), 30_000))),
        ]);
      } catch (err) {
        report(`cleanup of ${what} failed: ${(err as Error).message}`);
      } finally {
        clearTimeout(timer);
      }
    }
  }
}
