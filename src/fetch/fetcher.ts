// The fetch stage's entry point: robots.txt, per-host politeness and the guarded HTTP GET, composed. One
// Fetcher per process, shared by every job, so its robots cache and host queues see all the traffic.
import { redactText, type UrlSecrets } from '../model/redact.js';
import type { Validators } from '../model/source-health.js';
import type { AddressPolicy } from './address-guard.js';
import { FetchError } from './errors.js';
import type { Resolver } from './guarded-lookup.js';
import { HTTP_DEFAULTS, httpGet, type HttpGetOptions } from './http.js';
import { HostQueue } from './politeness.js';
import { RobotsCache, type RobotsDecision, type RobotsShare } from './robots.js';
import { userAgent } from './user-agent.js';

/** The subset of a pino logger the fetcher uses, so any structured logger (or a test spy) fits. */
export interface FetchLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface FetcherOptions {
  /** The watchbook's `watch.contact`, named in the User-Agent. */
  contact?: string;
  /** Replaces the whole User-Agent (tests, or an operator's own string). */
  userAgent?: string;
  /** Pause between requests to one host; 1 s by default. */
  minDelayMs?: number;
  /** Address policy for requests that do not say: `public` unless the CLI allowed private addresses. */
  allow?: AddressPolicy;
  robotsTtlMs?: number;
  robotsUnreachableTtlMs?: number;
  /** Where the robots.txt read here is left for other processes, and read from before asking the host. */
  robotsShare?: RobotsShare;
  timeoutMs?: number;
  connectTimeoutMs?: number;
  maxBytes?: number;
  /** CA certificates (PEM) to trust instead of Node's bundled roots (an intranet CA, or tests). */
  ca?: string | Buffer;
  logger?: FetchLogger;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** DNS under the SSRF guard; tests replace it. */
  resolver?: Resolver;
  /**
   * The sources whose URLs may carry secrets (the running watchbook's: read on every fetch, so a reload
   * counts). Every error message and log line of the fetcher shows their URLs as displayUrl and their
   * environment values as `${NAME}`; passwords and secret-looking query values are hidden in any case.
   */
  sources?: () => readonly UrlSecrets[];
}

export interface FetchRequest {
  url: string;
  validators?: Validators;
  /** The source's (watchbook's) permission to reach private addresses. */
  allowPrivate?: boolean;
  /** A finer policy than allowPrivate (tests allow loopback only); wins over it when given. */
  allow?: AddressPolicy;
  timeoutMs?: number;
  connectTimeoutMs?: number;
  maxBytes?: number;
  /** true by default. */
  obeyRobots?: boolean;
  accept?: string;
  signal?: AbortSignal;
}

export type FetchResult =
  | {
      status: 'ok';
      /** The final URL, after redirects: item links resolve against it. */
      url: string;
      httpStatus: number;
      body: Buffer;
      /** The Content-Type as sent ('' if none); parse decides what to make of it, charset.ts of its charset. */
      contentType: string;
      validators: Validators;
      redirects: string[];
      downgraded: boolean;
    }
  | { status: 'not-modified'; url: string; validators: Validators };

/** Feed formats first, then HTML pages, then anything: the same URL sometimes serves several. */
export const FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.8, */*;q=0.5';

// RFC 9309 §2.5: crawlers must parse at least 500 KiB; more than that is not a robots.txt worth reading.
const ROBOTS_MAX_BYTES = 512 * 1024;

export class Fetcher {
  private readonly opts: FetcherOptions;
  private readonly queue: HostQueue;
  private readonly robots: RobotsCache;
  private readonly ua: string;

  constructor(opts: FetcherOptions = {}) {
    this.opts = opts;
    this.queue = new HostQueue({ minDelayMs: opts.minDelayMs, now: opts.now, sleep: opts.sleep });
    this.robots = new RobotsCache({
      ttlMs: opts.robotsTtlMs,
      unreachableTtlMs: opts.robotsUnreachableTtlMs,
      now: opts.now,
      share: opts.robotsShare,
    });
    this.ua = opts.userAgent ?? userAgent(opts.contact);
  }

  get userAgent(): string {
    return this.ua;
  }

  /**
   * Fetches one URL politely. Every failure is a FetchError; a robots.txt refusal is a permanent one. The
   * result carries the real final URL (links resolve against it); errors and logs only the redacted one.
   */
  async fetch(req: FetchRequest): Promise<FetchResult> {
    try {
      return await this.fetchUnredacted(req);
    } catch (err) {
      throw this.redacted(err);
    }
  }

  /** `text` with every secret the fetcher knows of hidden (model/redact.ts). */
  redact(text: string): string {
    return redactText(text, this.opts.sources?.() ?? []);
  }

  private async fetchUnredacted(req: FetchRequest): Promise<FetchResult> {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      // Not the parser's error as cause: it carries the input, secrets and all.
      throw new FetchError('parse-error', `not a URL: ${req.url}`, { permanent: true });
    }
    const http: HttpGetOptions = {
      allow: req.allow ?? (req.allowPrivate ? 'private' : (this.opts.allow ?? 'public')),
      timeoutMs: req.timeoutMs ?? this.opts.timeoutMs ?? HTTP_DEFAULTS.timeoutMs,
      connectTimeoutMs: req.connectTimeoutMs ?? this.opts.connectTimeoutMs ?? HTTP_DEFAULTS.connectTimeoutMs,
      maxBytes: req.maxBytes ?? this.opts.maxBytes ?? HTTP_DEFAULTS.maxBytes,
      userAgent: this.ua,
      resolver: this.opts.resolver,
      ca: this.opts.ca,
      now: this.opts.now,
      signal: req.signal,
    };
    // Politeness is per host:port, so two servers on one machine (or test fixtures) do not wait on each other.
    const host = url.host;

    let crawlDelayMs: number | undefined;
    if (req.obeyRobots ?? true) {
      const decision = await this.robots.check(url, (robotsUrl) =>
        this.queue.run(host, () =>
          httpGet(robotsUrl, { ...http, maxBytes: ROBOTS_MAX_BYTES, accept: 'text/plain, */*;q=0.5' }),
        ),
      );
      this.warnAboutRobots(url, decision);
      if (!decision.allowed) {
        throw new FetchError('robots-disallowed', `robots.txt of ${url.origin} disallows ${url.href} for Signpost`, {
          permanent: true,
        });
      }
      crawlDelayMs = decision.crawlDelayMs;
    }

    const res = await this.queue.run(
      host,
      () => httpGet(url, { ...http, validators: req.validators, accept: req.accept ?? FEED_ACCEPT }),
      { minDelayMs: crawlDelayMs },
    );
    if (res.notModified) return { status: 'not-modified', url: res.url, validators: res.validators };
    if (res.downgraded)
      this.opts.logger?.warn(
        { url: this.redact(req.url), final_url: this.redact(res.url) },
        'Redirect went from https to http',
      );
    if (res.body.length === 0) {
      throw new FetchError('empty', `${res.url} answered ${res.status} with an empty body`);
    }
    const contentType = res.headers['content-type'] ?? '';
    return {
      status: 'ok',
      url: res.url,
      httpStatus: res.status,
      body: res.body,
      contentType,
      validators: res.validators,
      redirects: res.redirects,
      downgraded: res.downgraded,
    };
  }

  /** The same FetchError with its message redacted; its cause stays only when it shows no secret. */
  private redacted(err: unknown): unknown {
    if (!(err instanceof FetchError)) return err;
    const message = this.redact(err.message);
    const cause =
      err.cause instanceof Error && this.redact(err.cause.message) !== err.cause.message ? undefined : err.cause;
    if (message === err.message && cause === err.cause) return err;
    return new FetchError(err.reason, message.replace(/^fetch: /, ''), {
      permanent: err.permanent,
      ...(err.retryAfterMs !== undefined && { retryAfterMs: err.retryAfterMs }),
      ...(err.status !== undefined && { status: err.status }),
      ...(cause !== undefined && { cause }),
    });
  }

  private warnAboutRobots(url: URL, decision: RobotsDecision): void {
    if (!decision.error) return;
    this.opts.logger?.warn(
      { url: this.redact(url.href), reason: decision.error.reason, err: this.redact(decision.error.message) },
      'Could not read robots.txt; fetching as if it allowed everything',
    );
  }
}
