// Redis for multi-process worker tests: a random hash-tagged prefix per test, its keys deleted with SCAN
// afterwards, and a bounded wait that polls.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** `{test-<random>}`: a store and queue prefix no other test shares. */
export function randomPrefix(tag = 'test'): string {
  return `{${tag}-${randomBytes(6).toString('hex')}}`;
}

/** Every key under `prefix` (store and BullMQ alike), found with SCAN. */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    for (const k of keys) found.add(k);
    cursor = next;
  } while (cursor !== '0');
  return [...found];
}

export async function deleteUnder(redis: Redis, prefix: string): Promise<number> {
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
