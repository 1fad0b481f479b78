// What every concern in memory does alike, to answer as Redis does: a throw becomes a rejection, values are
// kept as JSON text (so what comes back is a copy shaped like a Redis round trip), ties sort by code point.
import type { Alert } from '../model/alert.js';
import { parseJson } from './errors.js';
import { limitCount } from './options.js';
import { byScoreThenMember, compareCodePoints } from './order.js';

/** Runs `fn` as a promise: a throw becomes a rejection, as it would from Redis. */
export function settle<T>(fn: () => T): Promise<T> {
  return new Promise((resolve) => resolve(fn()));
}

/** The first `limit` items, as a Redis LIMIT takes them (limitCount). */
export function take<T>(items: T[], limit: number): T[] {
  const count = limitCount(limit);
  return count < 0 ? items : items.slice(0, count);
}

/** A sorted-set member with its score. */
export interface Scored {
  member: string;
  score: number;
}

export const ascending = byScoreThenMember<Scored>(
  (s) => s.score,
  (s) => s.member,
);
export const descending = (a: Scored, b: Scored): number => ascending(b, a);

export function read<T>(map: Map<string, string>, field: string): T | undefined {
  const json = map.get(field);
  return json === undefined ? undefined : parseJson<T>(json, field);
}

/** Every field of a JSON map, sorted by field as the Redis concerns sort them. */
export function readAll<T>(map: Map<string, string>): [field: string, value: T][] {
  return [...map]
    .sort(([a], [b]) => compareCodePoints(a, b))
    .map(([field, json]) => [field, parseJson<T>(json, field)]);
}

/** Keep each alert under its id unless the id is there already (HSETNX); how many were new. */
export function setNewAlerts(map: Map<string, string>, alerts: readonly Alert[]): number {
  let added = 0;
  for (const a of alerts) {
    if (map.has(a.id)) continue;
    map.set(a.id, JSON.stringify(a));
    added++;
  }
  return added;
}
