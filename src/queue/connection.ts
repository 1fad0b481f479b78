import { Redis } from 'ioredis';

// Redis connections for the worker. BullMQ's workers need `maxRetriesPerRequest: null` (a blocking read
// must wait out a reconnect, not fail); at start-up we want the opposite, a fast clear answer when
// Redis is not there at all.

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

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/**
 * A connection for BullMQ and the store, verified to answer PING before it is returned. `name` is what
 * CLIENT LIST shows (BullMQ names its own connections after the key prefix too).
 */
export async function connectRedis(url: string = process.env.REDIS_URL ?? DEFAULT_REDIS_URL, opts: { name?: string } = {}): Promise<Redis> {
  const client = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true, connectTimeout: 5_000, ...(opts.name && { connectionName: opts.name }) });
  client.on('error', () => {
    // Reported through the ping below at start, and by BullMQ's own reconnect handling afterwards.
  });
  const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${CONNECT_DEADLINE_MS / 1000} s`)), CONNECT_DEADLINE_MS).unref());
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
export async function evictionWarning(client: Redis): Promise<string | undefined> {
  try {
    const reply = (await client.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    return policy === 'noeviction' ? undefined : `Redis maxmemory-policy is "${policy}": set it to "noeviction" or jobs and state can be evicted`;
  } catch {
    return undefined; // managed Redis often forbids CONFIG; nothing to say then
  }
}
