// What every concern on Redis does alike: an operation's Redis error comes out as a StoreError naming it, a
// MULTI fails as a whole, batches stay small, and JSON hashes and WITHSCORES replies read back one way.
import type { Alert } from '../model/alert.js';
import { parseJson, StoreError } from './errors.js';
import type { RedisClient } from './scripts.js';

/** Keys (or records) per script call: each call is atomic, so a huge batch must not hold Redis for long. */
export const BATCH = 1000;

export function chunks<T>(items: readonly T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A score as Redis writes it: a decimal, or `inf` / `-inf`. */
function parseScore(text: string | undefined): number {
  if (text === 'inf' || text === '+inf') return Infinity;
  if (text === '-inf') return -Infinity;
  return Number(text);
}

/** WITHSCORES replies, [member, score, member, score, ...], as pairs. */
export function pairs(reply: string[]): [member: string, score: number][] {
  const out: [string, number][] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) out.push([reply[i] ?? '', parseScore(reply[i + 1])]);
  return out;
}

/** Runs one operation; a Redis error comes out as a StoreError naming it, with the cause kept. */
export async function op<T>(name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (cause) {
    if (cause instanceof StoreError) throw cause;
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new StoreError(`${name} failed: ${message}`, { cause });
  }
}

/** Runs a MULTI; an error inside the transaction fails the operation instead of hiding in the reply. */
export async function exec(multi: ReturnType<RedisClient['multi']>): Promise<unknown[]> {
  const replies = (await multi.exec()) ?? [];
  const failed = replies.find(([err]) => err);
  if (failed?.[0]) throw failed[0];
  return replies.map(([, value]) => value);
}

export async function getJson<T>(client: RedisClient, key: string, field: string): Promise<T | undefined> {
  const json = await client.hget(key, field);
  return json === null ? undefined : parseJson<T>(json, `${key} ${field}`);
}

export async function allJson<T>(client: RedisClient, key: string): Promise<[field: string, value: T][]> {
  const all = await client.hgetall(key);
  return Object.entries(all).map(([field, json]) => [field, parseJson<T>(json, `${key} ${field}`)]);
}

/** HSETNX each alert under its id, in MULTIs of BATCH; how many were new. The digests keep alerts so. */
export async function setNewAlerts(client: RedisClient, key: string, alerts: readonly Alert[]): Promise<number> {
  let added = 0;
  for (const batch of chunks(alerts)) {
    const multi = client.multi();
    for (const a of batch) multi.hsetnx(key, a.id, JSON.stringify(a));
    const replies = await exec(multi);
    for (const reply of replies.slice(0, batch.length)) if (reply === 1) added++;
  }
  return added;
}
