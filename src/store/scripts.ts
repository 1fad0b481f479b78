// The Lua scripts of the store on Redis: where a write must read first (is this key new?), one script makes it
// atomic, so two workers racing on one item key get exactly one "new". Every key a script touches is passed
// in KEYS, all under one hash tag, so the scripts run on Redis Cluster too.
import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { StoreError } from './errors.js';
import { hashTag } from './keys.js';

export type RedisClient = Redis | Cluster;

/** A script run by EVALSHA, loaded with EVAL the first time a server has not seen it (NOSCRIPT). */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: RedisClient, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    // A cluster refuses a script over several slots (CROSSSLOT); one server does not, so the check is
    // here, where a test on one server meets it too.
    if (keys.length > 1) {
      const tags = new Set(keys.map(hashTag));
      if (tags.size > 1 || tags.has(undefined))
        throw new StoreError(`a script's keys must share one hash tag, got ${keys.join(', ')}`);
    }
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
 * KEYS[1] sentinel, KEYS[2] warm-up set; ARGV: now, then source ids. When the sentinel is missing (Redis
 * lost its data), writes it and adds the sources to the warm-up set, and returns 1; else 0, writing nothing.
 */
export const RECOVER_LOST_DATA = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
for i = 2, #ARGV do redis.call('SADD', KEYS[2], ARGV[i]) end
return 1
`);

/**
 * KEYS[1] warm-up set, KEYS[2] seen set, KEYS[3] sentinel; ARGV: source, now, then item keys. When the
 * source is in the warm-up set (removed then), or the sentinel is missing, marks the keys seen at `now`
 * (GT, as MARK_SEEN) and returns 1; else 0, writing nothing.
 */
export const WARM_UP = new LuaScript(`
if redis.call('SREM', KEYS[1], ARGV[1]) == 0 and redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
for i = 3, #ARGV do redis.call('ZADD', KEYS[2], 'GT', ARGV[2], ARGV[i]) end
return 1
`);

/**
 * KEYS[1] alerts hash, KEYS[2] alerts by-time, KEYS[3] alert labels hash; ARGV: (id, startsAt, json, labels
 * json) quadruples. An alert id already present keeps its record (and its labels, written only with a new
 * record); its by-time score moves to the latest startsAt (GT). Returns how many ids were new.
 */
export const PUT_ALERTS = new LuaScript(`
local added = 0
for i = 1, #ARGV, 4 do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 2]) == 1 then
    redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 3])
    added = added + 1
  end
  redis.call('ZADD', KEYS[2], 'GT', ARGV[i + 1], ARGV[i])
end
return added
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

/**
 * KEYS[1] unmatched-items hash, KEYS[2] its by-time set; ARGV: before, limit, then (key, seenAt, json)
 * triples. Keeps each item and its time unless its key is there (the first sighting wins), then drops
 * the items seen before `before` and all but the newest `limit`, in batches. One round trip a batch.
 */
export const ADD_UNMATCHED = new LuaScript(`
for i = 3, #ARGV, 3 do
  redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 2])
  redis.call('ZADD', KEYS[2], 'NX', ARGV[i + 1], ARGV[i])
end
while true do
  local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1], 'LIMIT', 0, 500)
  if #old == 0 then break end
  redis.call('ZREM', KEYS[2], unpack(old))
  redis.call('HDEL', KEYS[1], unpack(old))
end
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[2])
while excess > 0 do
  local old = redis.call('ZRANGE', KEYS[2], 0, math.min(excess, 500) - 1)
  redis.call('ZREM', KEYS[2], unpack(old))
  redis.call('HDEL', KEYS[1], unpack(old))
  excess = excess - #old
end
return 0
`);

/**
 * KEYS[1] a hash, KEYS[2] its by-time set (field → time); ARGV[1] before. Drops the fields older than
 * `before` from both, in batches; returns how many. Evidence, sent records and started attempts use it.
 */
export const PURGE_BY_TIME = new LuaScript(`
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
 * KEYS[1] alerts hash, KEYS[2] alerts by-time, KEYS[3] alert groups hash, KEYS[4] alert labels hash;
 * ARGV[1] before. Drops the alerts, and their labels, last raised before `before` that no group holds (read
 * from the groups' JSON in the same step, so a group written meanwhile cannot lose an alert it holds). A
 * group that is not JSON stops it, with an error naming it. Returns how many went.
 */
export const PURGE_ALERTS = new LuaScript(`
local held = {}
local groups = redis.call('HGETALL', KEYS[3])
for i = 1, #groups, 2 do
  local ok, stored = pcall(cjson.decode, groups[i + 1])
  if not ok or type(stored) ~= 'table' or type(stored.group) ~= 'table' or type(stored.group.alerts) ~= 'table' then
    return redis.error_reply('alert group ' .. groups[i] .. ' is not a stored group')
  end
  for _, a in ipairs(stored.group.alerts) do
    if type(a) == 'table' and type(a.id) == 'string' then held[a.id] = true end
  end
end
local removed, offset = 0, 0
while true do
  local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1], 'LIMIT', offset, 500)
  if #ids == 0 then break end
  for _, id in ipairs(ids) do
    if held[id] then
      offset = offset + 1
    else
      redis.call('ZREM', KEYS[2], id)
      redis.call('HDEL', KEYS[1], id)
      redis.call('HDEL', KEYS[4], id)
      removed = removed + 1
    end
  end
end
return removed
`);

/**
 * KEYS[1] alert groups hash, KEYS[2] alerts by-time, KEYS[3] the set of groups awaiting clearing; ARGV: group
 * key, the JSON expected, the JSON to write ('' to delete the group, and its key from the set), before, then
 * the ids of the alerts it forgets. Writes only if the group still holds the JSON expected and none of those
 * alerts was raised at or after `before` meanwhile; 1 if it did.
 */
export const PRUNE_GROUP = new LuaScript(`
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
local before = tonumber(ARGV[4])
for i = 5, #ARGV do
  local raised = redis.call('ZSCORE', KEYS[2], ARGV[i])
  if raised and tonumber(raised) >= before then return 0 end
end
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('SREM', KEYS[3], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
end
return 1
`);

/**
 * KEYS[1] alert groups hash, KEYS[2] the set of groups awaiting clearing; ARGV: group key, the JSON expected
 * ('' for none: the group is new), the JSON to write, '1' when that group awaits clearing. Writes the group
 * and its place in the set together, only over the JSON expected; 1 if it did.
 */
export const SET_GROUP = new LuaScript(`
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current == ARGV[2] or (current == false and ARGV[2] == '') then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  if ARGV[4] == '1' then redis.call('SADD', KEYS[2], ARGV[1]) else redis.call('SREM', KEYS[2], ARGV[1]) end
  return 1
end
return 0
`);

/**
 * KEYS[1] hash; ARGV: field, the value expected ('' for none: the field is absent), the new value ('' to
 * delete the field). Writes only over the value expected; 1 if it did.
 */
export const COMPARE_AND_SET = new LuaScript(`
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current == ARGV[2] or (current == false and ARGV[2] == '') then
  if ARGV[3] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end
  return 1
end
return 0
`);

/**
 * KEYS[1] counters hash; ARGV: ttl (ms), then (field, by) pairs. An integer `by` goes by HINCRBY, and when
 * the field holds a float already (HINCRBY refuses it) by HINCRBYFLOAT; a fractional one by HINCRBYFLOAT.
 * One script, so a job's counters land together. With KEYS[2], only once per event: KEYS[2] is set (PX the
 * ttl) by the first call, and a later call with it adds nothing and returns 0.
 */
export const INCREMENT_COUNTERS = new LuaScript(`
if KEYS[2] and not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then return 0 end
for i = 2, #ARGV, 2 do
  local by = ARGV[i + 1]
  if string.find(by, '^-?%d+$') then
    local ok = redis.pcall('HINCRBY', KEYS[1], ARGV[i], by)
    if type(ok) == 'table' and ok.err then redis.call('HINCRBYFLOAT', KEYS[1], ARGV[i], by) end
  else
    redis.call('HINCRBYFLOAT', KEYS[1], ARGV[i], by)
  end
end
return (#ARGV - 1) / 2
`);
