// Redis connections for the worker. BullMQ's workers need `maxRetriesPerRequest: null` (a blocking read
// must wait out a reconnect, not fail); at start-up we want the opposite, a fast clear answer when
// Redis is not there at all. What REDIS_URL may name (a server, a cluster, Sentinels) is redis-client.ts.

import { createRedis, isCluster, redactUrl, type RedisConnection } from './redis-client.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const CONNECT_DEADLINE_MS = 8_000;

export class RedisUnavailableError extends Error {
  constructor(url: string, cause: unknown) {
    super(
      `queue: cannot reach Redis at ${redactUrl(url)} (${cause instanceof Error ? cause.message : String(cause)}). ` +
        'Start one (for example `redis-server --daemonize yes`) or set REDIS_URL to where it runs.',
      { cause },
    );
    this.name = 'RedisUnavailableError';
  }
}

/**
 * A connection for BullMQ and the store, verified to answer PING before it is returned. `name` is what
 * CLIENT LIST shows (BullMQ names its own connections after the key prefix too). A URL that names nothing
 * usable throws RedisUrlError before any connection is tried.
 */
export async function connectRedis(
  url: string = process.env.REDIS_URL ?? DEFAULT_REDIS_URL,
  opts: { name?: string } = {},
): Promise<RedisConnection> {
  const client = createRedis(url, {
    maxRetriesPerRequest: null,
    lazyConnect: true,
    connectTimeout: 5_000,
    ...(opts.name && { name: opts.name }),
  });
  client.on('error', () => {
    // Reported through the ping below at start, and by BullMQ's own reconnect handling afterwards.
  });
  const deadline = new Promise<never>((_, reject) =>
    setTimeout(
      () => reject(new Error(`no answer within ${CONNECT_DEADLINE_MS / 1000} s`)),
      CONNECT_DEADLINE_MS,
    ).unref(),
  );
  try {
    await Promise.race([client.connect().then(() => client.ping()), deadline]);
    return client;
  } catch (err) {
    client.disconnect();
    throw new RedisUnavailableError(url, err);
  }
}

/**
 * BullMQ keeps jobs in Redis; a Redis that evicts keys under memory pressure loses them silently. The
 * warning to log, or undefined when the policy is `noeviction`.
 */
export async function evictionWarning(client: RedisConnection): Promise<string | undefined> {
  // On a cluster every master holds a share of the keys (ours sit on one, but which one is the slot's):
  // each is asked, and the first that evicts is named.
  const nodes = isCluster(client) ? client.nodes('master') : [client];
  for (const node of nodes) {
    try {
      const reply = (await node.config('GET', 'maxmemory-policy')) as string[];
      const policy = reply[1];
      if (policy === 'noeviction') continue;
      const where = isCluster(client) ? ` on ${node.options.host ?? '?'}:${node.options.port ?? '?'}` : '';
      return `Redis maxmemory-policy is "${policy}"${where}: set it to "noeviction" or jobs and state can be evicted`;
    } catch {
      return undefined; // managed Redis often forbids CONFIG; nothing to say then
    }
  }
  return undefined;
}

// ioredis and BullMQ report a Redis that is away once per reconnect attempt, from every connection (the
// shared client, each worker's blocking connection, each queue): hundreds of lines a minute, stack traces
// among them. RedisState turns that into one line when Redis goes away and one when it is back.

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** Whether an error says Redis cannot be reached (rather than a command or a job going wrong). */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  // ClusterAllFailedError: no node of a cluster answered the slot-map question.
  if (err.name === 'MaxRetriesPerRequestError' || err.name === 'ClusterAllFailedError') return true;
  return /Connection is closed|connect ETIMEDOUT|Stream isn't writeable|ECONNREFUSED|ECONNRESET|None of startup nodes is available|CLUSTERDOWN/.test(
    err.message,
  );
}

/** What RedisState logs with: a pino logger or anything with the same two levels. */
export interface StateLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/**
 * Whether Redis is reachable, as seen by one process, logged once per change: `Redis unreachable` with the
 * reason when an error says so, `Redis reachable again` (with how long it was away) when the shared client
 * is ready and answers PING again. Errors of every connection are handed to `report`.
 */
export class RedisState {
  private downSince: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private stopped = false;
  private readonly fields: Record<string, unknown>;

  constructor(
    private readonly client: RedisConnection,
    private readonly log: StateLog,
    private readonly opts: { url?: string; role?: string; checkEveryMs?: number; now?: () => number } = {},
  ) {
    this.fields = { ...(opts.role && { role: opts.role }), ...(opts.url && { redis: redactUrl(opts.url) }) };
    client.on('error', this.onError).on('ready', this.onReady);
  }

  private readonly onError = (err: Error) => void this.report(err);
  private readonly onReady = () => void this.check();

  get reachable(): boolean {
    return this.downSince === undefined;
  }

  /**
   * An error from any connection to this Redis. True when it is a connection error, now reported or
   * already known; false for any other error, which the caller logs itself.
   */
  report(err: unknown): boolean {
    if (!isConnectionError(err)) return false;
    if (this.downSince !== undefined || this.stopped) return true;
    this.downSince = this.now();
    this.log.warn({ ...this.fields, reason: (err as Error).message }, 'Redis unreachable');
    // The shared client's `ready` says it is back; the check also covers a client that never lost its
    // connection while the others did.
    this.timer = setInterval(() => void this.check(), this.opts.checkEveryMs ?? 1_000);
    this.timer.unref();
    return true;
  }

  /** At shutdown, before the connections close: their "Connection is closed" is no outage. */
  stop(): void {
    this.stopped = true;
    this.stopChecking();
    this.client.off('error', this.onError).off('ready', this.onReady);
  }

  private stopChecking(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private async check(): Promise<void> {
    if (this.downSince === undefined || this.checking || this.client.status !== 'ready') return;
    this.checking = true;
    try {
      const deadline = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('no answer')), 2_000).unref(),
      );
      await Promise.race([this.client.ping(), deadline]);
      if (this.downSince === undefined) return;
      const downMs = this.now() - this.downSince;
      this.downSince = undefined;
      this.stopChecking();
      this.log.info({ ...this.fields, down_ms: downMs }, 'Redis reachable again');
    } catch {
      // still away; the next check tries again
    } finally {
      this.checking = false;
    }
  }
}
