// The Lua scripts of RedisStore: where a write must read first (is this key new?), one script makes it
// atomic, so two workers racing on one item key get exactly one "new". Every key a script touches is passed
// in KEYS, all under one hash tag, so the scripts run on Redis Cluster too.
import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

export type RedisClient = Redis | Cluster;

/** A script run by EVALSHA, loaded with EVAL the first time a server has not seen it (NOSCRIPT). */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: RedisClient, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith('NOSCRIPT'))) throw err;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/**
 * KEYS[1] seen set; ARGV: now, cutoff (now − ttl), trim cap, then the item keys. Returns 1 (new) or 0 per
 * key. A key is new when absent or last seen before the cutoff; either way its time moves up to `now`
 * (GT: a worker with a slower clock never moves it back). Up to `cap` expired keys are trimmed first, so
 * one call never does unbounded work; whether a key is new never depends on the trimming.
 */
export const MARK_SEEN = new LuaScript(`
local cutoff = tonumber(ARGV[2])
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
if #expired > 0 then redis.call('ZREM', KEYS[1], unpack(expired)) end
local out = {}
for i = 4, #ARGV do
  local last = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if last and tonumber(last) >= cutoff then out[#out + 1] = 0 else out[#out + 1] = 1 end
  redis.call('ZADD', KEYS[1], 'GT', ARGV[1], ARGV[i])
end
return out
`);

/**
 * KEYS[1] evidence hash, KEYS[2] by-time set; ARGV: (id, publishedAt, json) triples. An id already present
 * is left as it was, record and time alike. Returns how many ids were new.
 */
export const ADD_EVIDENCE = new LuaScript(`
local added = 0
for i = 1, #ARGV, 3 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 2]) == 1 then
    redis.call('ZADD', KEYS[2], ARGV[i + 1], ARGV[i])
    added = added + 1
  end
end
return added
`);

/** KEYS[1] evidence hash, KEYS[2] by-time set; ARGV[1] before. Drops both sides in batches; returns how many. */
export const PURGE_EVIDENCE = new LuaScript(`
local removed = 0
while true do
  local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1], 'LIMIT', 0, 500)
  if #ids == 0 then break end
  redis.call('ZREM', KEYS[2], unpack(ids))
  redis.call('HDEL', KEYS[1], unpack(ids))
  removed = removed + #ids
end
return removed
`);

/**
 * KEYS[1] sent hash, KEYS[2] send-log hash; ARGV: sent field, sent record, send-log field, SendLog JSON.
 * Records a send once: a notification already recorded leaves both as they were. Returns 1 when new, else 0.
 */
export const RECORD_SEND = new LuaScript(`
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
return 1
`);

/**
 * KEYS[1] sent hash, KEYS[2] claim key; ARGV: sent field, owner, ttl (ms). `sent` when the send is recorded,
 * else `claimed` when the claim was free (SET NX PX), else `busy`. One script, so a send recorded between
 * the check and the claim cannot be claimed.
 */
export const CLAIM_SEND = new LuaScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 'sent' end
if redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then return 'claimed' end
return 'busy'
`);

/** KEYS[1] claim key; ARGV[1] owner. Deletes the claim only if that owner holds it; returns 1 if it did. */
export const RELEASE_SEND = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** KEYS[1] hash; ARGV: field, the value expected, the new value. Writes only over the value expected; 1 if it did. */
export const COMPARE_AND_SET = new LuaScript(`
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  return 1
end
return 0
`);

/**
 * KEYS[1] counters hash; ARGV: (field, by) pairs. An integer `by` goes by HINCRBY, and when the field holds
 * a float already (HINCRBY refuses it) by HINCRBYFLOAT; a fractional one by HINCRBYFLOAT. One script, so a
 * job's counters land together.
 */
export const INCREMENT_COUNTERS = new LuaScript(`
for i = 1, #ARGV, 2 do
  local by = ARGV[i + 1]
  if string.find(by, '^-?%d+$') then
    local ok = redis.pcall('HINCRBY', KEYS[1], ARGV[i], by)
    if type(ok) == 'table' and ok.err then redis.call('HINCRBYFLOAT', KEYS[1], ARGV[i], by) end
  else
    redis.call('HINCRBYFLOAT', KEYS[1], ARGV[i], by)
  end
end
return #ARGV / 2
`);
