// Per-host politeness: one request at a time to a host, and a pause between the end of one and the start
// of the next. Peers got blocked for exactly this (openrss.org and Miniflux, Feedburner 429s; research §7.5),
// and a per-batch limit was not enough. Hosts do not wait for each other: there is no global lock.
//
// Scope: one process. Several workers share hosts only loosely; the per-source job dedupe keeps a source
// from being fetched twice at once, and a Redis-backed limiter would be the store's to provide.

export interface PolitenessOptions {
  /** Pause between two requests to the same host, from the end of one to the start of the next. */
  minDelayMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface HostState {
  tail: Promise<void>;
  lastEnd: number;
  /** The pause the latest request asked for, so a sweep does not forget a host inside a Crawl-delay. */
  delay: number;
  pending: number;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// Idle hosts are forgotten once their pause is over, so the map does not grow with every host ever seen.
const SWEEP_ABOVE = 256;

export class HostQueue {
  readonly minDelayMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly hosts = new Map<string, HostState>();

  constructor(opts: PolitenessOptions = {}) {
    this.minDelayMs = opts.minDelayMs ?? 1000;
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? realSleep;
  }

  /**
   * Runs `task` when the host is free and its pause has passed; resolves or rejects as the task does. A
   * failing task still counts as a request: the host saw it. `minDelayMs` raises the pause for this request
   * (a robots.txt Crawl-delay), never lowers it.
   */
  run<T>(host: string, task: () => Promise<T>, opts: { minDelayMs?: number } = {}): Promise<T> {
    const key = host.toLowerCase();
    if (this.hosts.size > SWEEP_ABOVE) this.sweep();
    const state = this.hosts.get(key) ?? { tail: Promise.resolve(), lastEnd: -Infinity, delay: 0, pending: 0 };
    this.hosts.set(key, state);
    const delay = Math.max(this.minDelayMs, opts.minDelayMs ?? 0);
    state.pending++;
    state.delay = Math.max(state.delay, delay);
    const result = state.tail.then(async () => {
      const wait = state.lastEnd + delay - this.now();
      if (wait > 0) await this.sleep(wait);
      try {
        return await task();
      } finally {
        state.lastEnd = this.now();
        state.pending--;
        if (state.pending === 0) state.delay = delay;
      }
    });
    state.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Hosts currently known (queued, running or within their pause); for tests and metrics. */
  get size(): number {
    return this.hosts.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, state] of this.hosts) {
      if (state.pending === 0 && state.lastEnd + state.delay <= now) this.hosts.delete(key);
    }
  }
}
