// Redis for multi-process worker tests: a random hash-tagged prefix per test, its keys deleted with SCAN
// afterwards, and a bounded wait that polls.
import { randomBytes } from 'node:crypto';
import type { RedisConnection } from '../../../src/queue/index.js';
import { scanKeys } from '../../helpers/redis.js';

export { ON_CLUSTER, REDIS_URL, testRedis } from '../../helpers/redis.js';

/** `{test-<random>}`: a store and queue prefix no other test shares. */
export function randomPrefix(tag = 'test'): string {
  return `{${tag}-${randomBytes(6).toString('hex')}}`;
}

/** Every key under `prefix` (store and BullMQ alike), found with SCAN (on every master of a cluster). */
export async function keysUnder(redis: RedisConnection, prefix: string): Promise<string[]> {
  return scanKeys(redis, `${prefix}:*`);
}

/** Deletes them; the prefix's hash tag puts them in one slot, so one UNLINK takes many even on a cluster. */
export async function deleteUnder(redis: RedisConnection, prefix: string): Promise<number> {
  const keys = await keysUnder(redis, prefix);
  for (let i = 0; i < keys.length; i += 500) await redis.unlink(...keys.slice(i, i + 500));
  return keys.length;
}

/**
 * Polls `probe` every `intervalMs` until it returns something other than undefined, for at most
 * `timeoutMs`; then fails naming `what` and, if given, the last state `describe` reports.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  opts: { intervalMs?: number; describe?: () => string | Promise<string> } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const state = opts.describe ? ` (${await opts.describe()})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${state}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}
