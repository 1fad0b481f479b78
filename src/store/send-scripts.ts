// The Lua scripts of the send log (send-log.ts): a send recorded, claimed and released each in one atomic
// step, so of workers racing for one notification exactly one sends it; and its pruning, which reads the
// alert groups in the same step. Every key is passed in KEYS, all under one hash tag.
import { LuaScript } from './scripts.js';

/**
 * KEYS[1] sent hash, KEYS[2] send-log hash, KEYS[3] sent by-time, KEYS[4] send-log by-time, KEYS[5] attempts
 * hash, KEYS[6] attempts by-time; ARGV: sent field, sent record, send-log field, SendLog JSON, the send's
 * time ('' for none: then neither record is dated, and pruning keeps them). Records a send once: a
 * notification already recorded (in doubt or not) leaves everything as it was. Returns 1 when new, else 0.
 */
export const RECORD_SEND = new LuaScript(`
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
redis.call('HDEL', KEYS[5], ARGV[1])
redis.call('ZREM', KEYS[6], ARGV[1])
if ARGV[5] ~= '' then
  redis.call('ZADD', KEYS[3], ARGV[5], ARGV[1])
  redis.call('ZADD', KEYS[4], 'GT', ARGV[5], ARGV[3])
end
return 1
`);

/**
 * KEYS[1] sent hash, KEYS[2] claim key, KEYS[3] attempts hash, KEYS[4] attempts by-time, KEYS[5] sent
 * by-time; ARGV: field, owner, ttl (ms), now. `sent` when the send is recorded; else `busy` when a claim is
 * live; else `in-doubt` when an attempt was started and never recorded nor released (its sender died): it
 * becomes a sent record in doubt, naming that attempt's owner; else `claimed` (SET PX, and the attempt
 * recorded). One script, so a send recorded, or found in doubt, between the checks and the claim cannot be
 * claimed.
 */
export const CLAIM_SEND = new LuaScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 'sent' end
if redis.call('EXISTS', KEYS[2]) == 1 then return 'busy' end
local attempt = redis.call('HGET', KEYS[3], ARGV[1])
if attempt then
  redis.call('HSET', KEYS[1], ARGV[1], '{"inDoubt":{"at":' .. ARGV[4] .. ',"owner":' .. cjson.encode(attempt) .. '}}')
  redis.call('ZADD', KEYS[5], ARGV[4], ARGV[1])
  redis.call('HDEL', KEYS[3], ARGV[1])
  redis.call('ZREM', KEYS[4], ARGV[1])
  return 'in-doubt'
end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[4], ARGV[4], ARGV[1])
return 'claimed'
`);

/**
 * KEYS[1] claim key, KEYS[2] attempts hash, KEYS[3] attempts by-time; ARGV: owner, attempt field. Drops the
 * attempt if that owner started it, and the claim if that owner holds it; returns 1 if it dropped the claim.
 */
export const RELEASE_SEND = new LuaScript(`
if redis.call('HGET', KEYS[2], ARGV[2]) == ARGV[1] then
  redis.call('HDEL', KEYS[2], ARGV[2])
  redis.call('ZREM', KEYS[3], ARGV[2])
end
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * KEYS[1] send-log hash, KEYS[2] send-log by-time, KEYS[3] alert groups hash; ARGV[1] before. Drops the
 * send-logs last written before `before` whose group (the first string of the field) is gone; a field that
 * does not read as [group key, receiver] is kept. Returns how many went.
 */
export const PURGE_SEND_LOGS = new LuaScript(`
local removed, offset = 0, 0
while true do
  local fields = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1], 'LIMIT', offset, 500)
  if #fields == 0 then break end
  for _, field in ipairs(fields) do
    local ok, pair = pcall(cjson.decode, field)
    if not ok or type(pair) ~= 'table' or type(pair[1]) ~= 'string' or redis.call('HEXISTS', KEYS[3], pair[1]) == 1 then
      offset = offset + 1
    else
      redis.call('ZREM', KEYS[2], field)
      redis.call('HDEL', KEYS[1], field)
      removed = removed + 1
    end
  end
end
return removed
`);
