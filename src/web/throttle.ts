// Failed basic-auth attempts per client address, in process memory: after `maxFailures` within `windowMs`
// the address gets 429 with Retry-After until its window ends, whatever it sends, so a password cannot be
// guessed faster than that. Other addresses are not affected. The table holds at most `maxClients`
// addresses (the oldest window goes first), so a flood from many addresses costs bounded memory.
//
//   failure 1 at t ──── failures 2..N ────┬─ 429 ... 429 ─┐ t + windowMs: the count starts again
//                                         N reached

export interface LoginThrottleOptions {
  /** Failed attempts allowed per address within a window (default 10). */
  maxFailures?: number;
  /** The window, from an address's first failure (default 5 minutes). */
  windowMs?: number;
  /** Addresses remembered at most (default 10,000). */
  maxClients?: number;
  now?: () => number;
}

interface Window {
  start: number;
  failures: number;
}

export class LoginThrottle {
  private readonly windows = new Map<string, Window>();
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly maxClients: number;
  private readonly now: () => number;

  constructor(opts: LoginThrottleOptions = {}) {
    this.maxFailures = opts.maxFailures ?? 10;
    this.windowMs = opts.windowMs ?? 5 * 60_000;
    this.maxClients = opts.maxClients ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /** Seconds until `client` may try again (for Retry-After), or undefined when it may try now. */
  retryAfter(client: string): number | undefined {
    const w = this.current(client);
    if (!w || w.failures < this.maxFailures) return undefined;
    return Math.max(1, Math.ceil((w.start + this.windowMs - this.now()) / 1000));
  }

  /** Counts a failed attempt; true when this one used up the address's allowance. */
  fail(client: string): boolean {
    let w = this.current(client);
    if (!w) {
      w = { start: this.now(), failures: 0 };
      this.windows.set(client, w);
      for (const oldest of this.windows.keys()) {
        if (this.windows.size <= this.maxClients) break;
        this.windows.delete(oldest);
      }
    }
    w.failures++;
    return w.failures === this.maxFailures;
  }

  /** A correct login: the address's failures are forgotten. */
  succeed(client: string): void {
    this.windows.delete(client);
  }

  /** Addresses remembered now (for tests of the bound). */
  get size(): number {
    return this.windows.size;
  }

  private current(client: string): Window | undefined {
    const w = this.windows.get(client);
    if (w && this.now() - w.start >= this.windowMs) {
      this.windows.delete(client);
      return undefined;
    }
    return w;
  }
}
