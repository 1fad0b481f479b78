// robots.txt (RFC 9309), read once per origin and cached. Obeyed by default: a monitor that ignores it
// gets blocked, and deserves to. Failures lean towards fetching (the brief's call, unlike RFC 9309's
// "5xx means disallow all") but are cached only briefly and reported, so on-call can see them. With a
// share (the worker's is Redis), what one process read serves every process and outlives restarts: a host
// is asked once per expiry, not once per process, and not again by every process a deploy restarts.
import robotsParserModule from 'robots-parser';
import { FAILURE_REASONS } from '../model/source-health.js';
import { FetchError } from './errors.js';
import type { HttpResponse } from './http.js';
import { ROBOTS_TOKEN } from './user-agent.js';

// The package is CommonJS with an ESM-style d.ts: under NodeNext the types see a namespace whose `default`
// is the parser, while at run time the default import is the parser itself. Accept either.
type ParseRobots = typeof robotsParserModule.default;
const loaded: unknown = robotsParserModule;
const robotsParser = (typeof loaded === 'function' ? loaded : robotsParserModule.default) as ParseRobots;
type Robots = ReturnType<ParseRobots>;

export interface RobotsDecision {
  allowed: boolean;
  /** The file's Crawl-delay for Signpost (or `*`), in ms, capped at a minute. */
  crawlDelayMs?: number;
  /** What the decision rests on: the file, its absence (4xx: allow all), or a failure to read it. */
  basis: 'robots.txt' | 'missing' | 'unreachable';
  /** Why robots.txt could not be read; a warning for the logs, not a failure of the fetch. */
  error?: FetchError;
}

/**
 * Where processes leave the robots.txt they read for each other: an opaque value per origin, gone after
 * `ttlMs`. Best effort: a share that fails is read as empty, and the file is downloaded as without one.
 */
export interface RobotsShare {
  get(origin: string): Promise<string | undefined>;
  set(origin: string, value: string, ttlMs: number): Promise<void>;
}

export interface RobotsOptions {
  /** How long a robots.txt (or its 4xx absence) is trusted. */
  ttlMs?: number;
  /** How long a failure to read it is remembered before asking again. */
  unreachableTtlMs?: number;
  /** How long a good file keeps being used while later reads fail (RFC 9309 §2.4: a day). */
  staleMs?: number;
  now?: () => number;
  maxOrigins?: number;
  share?: RobotsShare;
}

/** Downloads a robots.txt URL (guarded, polite, size-capped): the Fetcher supplies it. */
export type RobotsDownload = (robotsUrl: string) => Promise<HttpResponse>;

interface Entry {
  robots?: Robots;
  basis: RobotsDecision['basis'];
  error?: FetchError;
  fetchedAt: number;
  expiresAt: number;
}

const MAX_CRAWL_DELAY_MS = 60_000;

export class RobotsCache {
  private readonly ttlMs: number;
  private readonly unreachableTtlMs: number;
  private readonly staleMs: number;
  private readonly now: () => number;
  private readonly maxOrigins: number;
  private readonly share: RobotsShare | undefined;
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Entry>>();

  constructor(opts: RobotsOptions = {}) {
    this.ttlMs = opts.ttlMs ?? 60 * 60_000;
    this.unreachableTtlMs = opts.unreachableTtlMs ?? 10 * 60_000;
    this.staleMs = opts.staleMs ?? 24 * 60 * 60_000;
    this.now = opts.now ?? Date.now;
    this.maxOrigins = opts.maxOrigins ?? 10_000;
    this.share = opts.share;
  }

  /** Whether Signpost may fetch `url`, reading the origin's robots.txt through `download` when not cached. */
  async check(url: URL, download: RobotsDownload): Promise<RobotsDecision> {
    const entry = await this.entry(url.origin, download);
    const decision: RobotsDecision = { allowed: true, basis: entry.basis };
    if (entry.error) decision.error = entry.error;
    if (!entry.robots) return decision;
    // undefined means "this file is not for that URL", which cannot happen for a same-origin URL.
    decision.allowed = entry.robots.isAllowed(url.href, ROBOTS_TOKEN) ?? true;
    const delay = entry.robots.getCrawlDelay(ROBOTS_TOKEN);
    if (typeof delay === 'number' && delay > 0) decision.crawlDelayMs = Math.min(delay * 1000, MAX_CRAWL_DELAY_MS);
    return decision;
  }

  private async entry(origin: string, download: RobotsDownload): Promise<Entry> {
    const cached = this.entries.get(origin);
    if (cached && cached.expiresAt > this.now()) return cached;
    let pending = this.inflight.get(origin);
    if (!pending) {
      // Concurrent checks for one origin share one download.
      pending = this.load(origin, download, cached).finally(() => this.inflight.delete(origin));
      this.inflight.set(origin, pending);
    }
    return pending;
  }

  private async load(origin: string, download: RobotsDownload, previous: Entry | undefined): Promise<Entry> {
    const robotsUrl = `${origin}/robots.txt`;
    const shared = await this.fromShare(origin, robotsUrl);
    if (shared) {
      this.remember(origin, shared);
      return shared;
    }
    let entry: Entry;
    let text: string | undefined;
    try {
      const res = await download(robotsUrl);
      const now = this.now();
      text = res.body.toString('utf8');
      // Rules are for the origin asked, even when the file came through a redirect (RFC 9309 §2.3.1.2).
      entry = {
        robots: robotsParser(robotsUrl, text),
        basis: 'robots.txt',
        fetchedAt: now,
        expiresAt: now + this.ttlMs,
      };
    } catch (err) {
      entry = this.failed(err, previous);
    }
    this.remember(origin, entry);
    // Shared: what was read now, or that it could not be. A stale file kept through a failure (failed())
    // stays this process's: its text is not kept once parsed.
    if (text !== undefined || !entry.robots) await this.toShare(origin, entry, text);
    return entry;
  }

  /** The share's entry for `origin` while it holds, parsed; undefined when it has none or cannot be read. */
  private async fromShare(origin: string, robotsUrl: string): Promise<Entry | undefined> {
    const value = await this.share?.get(origin).catch(() => undefined);
    if (value === undefined) return undefined;
    const entry = sharedEntry(value, robotsUrl);
    return entry && entry.expiresAt > this.now() ? entry : undefined;
  }

  private async toShare(origin: string, entry: Entry, text: string | undefined): Promise<void> {
    const ttlMs = entry.expiresAt - this.now();
    if (!this.share || ttlMs <= 0) return;
    const value: Shared = {
      basis: entry.basis,
      fetchedAt: entry.fetchedAt,
      expiresAt: entry.expiresAt,
      ...(text !== undefined && { text }),
      ...(entry.error && {
        error: { reason: entry.error.reason, message: entry.error.message.replace(/^fetch: /, '') },
      }),
    };
    await this.share.set(origin, JSON.stringify(value), ttlMs).catch(() => undefined);
  }

  private failed(err: unknown, previous: Entry | undefined): Entry {
    const now = this.now();
    const error =
      err instanceof FetchError ? err : new FetchError('refused', `robots.txt: ${String(err)}`, { cause: err });
    // A 4xx (other than 429, which means "later") is "there is no robots.txt": everything is allowed.
    if (error.reason === 'http-4xx' && error.status !== 429) {
      return { basis: 'missing', fetchedAt: now, expiresAt: now + this.ttlMs };
    }
    const expiresAt = now + this.unreachableTtlMs;
    if (previous?.robots && previous.basis === 'robots.txt' && now - previous.fetchedAt < this.staleMs) {
      return { ...previous, error, expiresAt };
    }
    return { basis: 'unreachable', error, fetchedAt: now, expiresAt };
  }

  private remember(origin: string, entry: Entry): void {
    this.entries.delete(origin);
    this.entries.set(origin, entry);
    // Maps iterate in insertion order, and re-inserting on refresh keeps the oldest first.
    while (this.entries.size > this.maxOrigins) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }
}

/** An entry as the share holds it: the file's text rather than its parse. */
interface Shared {
  basis: RobotsDecision['basis'];
  text?: string;
  error?: { reason: FetchError['reason']; message: string };
  fetchedAt: number;
  expiresAt: number;
}

const BASES: readonly string[] = ['robots.txt', 'missing', 'unreachable'] satisfies RobotsDecision['basis'][];

/** A shared value back as an entry; undefined for one that is not a well-formed entry (another version's). */
function sharedEntry(value: string, robotsUrl: string): Entry | undefined {
  let v: Partial<Shared>;
  try {
    v = JSON.parse(value) as Partial<Shared>;
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  if (!BASES.includes(v.basis as string) || typeof v.fetchedAt !== 'number' || typeof v.expiresAt !== 'number')
    return undefined;
  if (v.basis === 'robots.txt' && typeof v.text !== 'string') return undefined;
  const entry: Entry = { basis: v.basis!, fetchedAt: v.fetchedAt, expiresAt: v.expiresAt };
  if (typeof v.text === 'string') entry.robots = robotsParser(robotsUrl, v.text);
  const error = v.error;
  if (error && typeof error.message === 'string')
    entry.error = new FetchError(FAILURE_REASONS.includes(error.reason) ? error.reason : 'refused', error.message);
  return entry;
}
