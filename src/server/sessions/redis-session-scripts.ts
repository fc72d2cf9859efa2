/**
 * The Lua behind the Redis session registry. Each read-then-write operation is one script, because
 * Redis runs a script to completion before any other command: two instances registering for the same IP
 * at the same moment cannot both see "2 of 3" and both add.
 *
 * Layout under a prefix P: hash `P s:<id>` (the record, PEXPIREAT expiresAt + grace), and sorted sets
 * `P ip:<ip>`, `P inst:<instanceId>`, `P all`, each member scored by its expiresAt. Quotas count members
 * scored after `now` (ZCOUNT), so a session is not counted once expired even before housekeeping removes
 * it; every set's own PEXPIREAT follows its latest member, so sets of IPs that never return vanish.
 *
 * The ip/inst set names come from the record, so scripts touch keys not passed in KEYS: fine on a single
 * Redis (and replicas), not on Redis Cluster.
 */

/** Shared Lua helpers, prepended to each script. ARGV[1] is the key prefix, ARGV[3] the grace in ms. */
const HELPERS = `
local prefix = ARGV[1]
local grace = tonumber(ARGV[3])
local function ipKey(ip) return prefix .. 'ip:' .. ip end
local function instKey(inst) return prefix .. 'inst:' .. inst end
local function sessionKey(id) return prefix .. 's:' .. id end
-- A set lives as long as its latest member (+ grace): abandoned sets expire by themselves.
local function keepUntilLast(key)
  local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if last[2] then redis.call('PEXPIREAT', key, math.ceil(tonumber(last[2]) + grace)) end
end
-- Remove one session from its hash and all three sets (the hash names its ip and instance sets).
local function forget(id, allKey)
  local h = sessionKey(id)
  local where = redis.call('HMGET', h, 'ip', 'instanceId')
  if where[1] then redis.call('ZREM', ipKey(where[1]), id) end
  if where[2] then redis.call('ZREM', instKey(where[2]), id) end
  redis.call('ZREM', allKey, id)
  redis.call('DEL', h)
end
`;

/**
 * KEYS: session hash, ip set, instance set, global set.
 * ARGV: prefix, now, grace, id, mode, ip, instanceId, createdAt, expiresAt, refreshCount,
 *       maxPerIp, maxPerInstance, maxTotal, scenarioId, recap ('' or absent = none: the field is not written).
 * Returns 'ok' or the first failing reason (ip → instance → global).
 */
export const REGISTER_LUA = `${HELPERS}
local now = tonumber(ARGV[2])
local id = ARGV[4]
local expiresAt = tonumber(ARGV[9])

-- Housekeeping, bounded so a burst of expiries never makes one call slow; whatever is left is still
-- excluded from the counts below by score.
local expired = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now, 'LIMIT', 0, 100)
for _, sid in ipairs(expired) do forget(sid, KEYS[4]) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)

-- Ids are random; a repeated id replaces its old entry rather than counting twice.
if redis.call('EXISTS', KEYS[1]) == 1 then forget(id, KEYS[4]) end

local live = '(' .. ARGV[2]
if redis.call('ZCOUNT', KEYS[2], live, '+inf') >= tonumber(ARGV[11]) then return 'ip_quota' end
if redis.call('ZCOUNT', KEYS[3], live, '+inf') >= tonumber(ARGV[12]) then return 'instance_capacity' end
if redis.call('ZCOUNT', KEYS[4], live, '+inf') >= tonumber(ARGV[13]) then return 'global_capacity' end

redis.call('HSET', KEYS[1], 'id', id, 'mode', ARGV[5], 'ip', ARGV[6], 'instanceId', ARGV[7],
  'createdAt', ARGV[8], 'expiresAt', ARGV[9], 'refreshCount', ARGV[10])
if ARGV[14] and ARGV[14] ~= '' then redis.call('HSET', KEYS[1], 'scenarioId', ARGV[14]) end
if ARGV[15] and ARGV[15] ~= '' then redis.call('HSET', KEYS[1], 'recap', ARGV[15]) end
redis.call('PEXPIREAT', KEYS[1], math.ceil(expiresAt + grace))
for i = 2, 4 do
  redis.call('ZADD', KEYS[i], expiresAt, id)
  keepUntilLast(KEYS[i])
end
return 'ok'
`;

/**
 * KEYS: session hash, global set.
 * ARGV: prefix, now, grace, id, newExpiresAt, maxRefreshes, switchFrom, switchTo ('' = no mode switch).
 * Returns {'ok', <mode before>, <HGETALL fields…>} or {'not_found'} / {'wrong_mode'} / {'refresh_limit'}.
 * A mode switch moves a session in `switchFrom` to `switchTo`; one already in `switchTo` just refreshes.
 */
export const REFRESH_LUA = `${HELPERS}
local now = tonumber(ARGV[2])
local id = ARGV[4]
local newExpiresAt = tonumber(ARGV[5])
local switchFrom = ARGV[7] or ''
local switchTo = ARGV[8] or ''
local rec = redis.call('HMGET', KEYS[1], 'expiresAt', 'refreshCount', 'ip', 'instanceId', 'mode')
if not rec[1] or tonumber(rec[1]) <= now then return {'not_found'} end
if switchTo ~= '' and rec[5] ~= switchTo and rec[5] ~= switchFrom then return {'wrong_mode'} end
if tonumber(rec[2]) >= tonumber(ARGV[6]) then return {'refresh_limit'} end

redis.call('HINCRBY', KEYS[1], 'refreshCount', 1)
redis.call('HSET', KEYS[1], 'expiresAt', ARGV[5])
if switchTo ~= '' then redis.call('HSET', KEYS[1], 'mode', switchTo) end
redis.call('PEXPIREAT', KEYS[1], math.ceil(newExpiresAt + grace))
for _, key in ipairs({ ipKey(rec[3]), instKey(rec[4]), KEYS[2] }) do
  redis.call('ZADD', key, newExpiresAt, id)
  keepUntilLast(key)
end
local result = redis.call('HGETALL', KEYS[1])
table.insert(result, 1, rec[5] or '')
table.insert(result, 1, 'ok')
return result
`;

/**
 * KEYS: session hash, global set.
 * ARGV: prefix, now, grace, id, newExpiresAt.
 * Heartbeat: expiresAt = max(expiresAt, newExpiresAt), no refresh counted. Returns {'ok', <HGETALL…>} or {'not_found'}.
 */
export const KEEPALIVE_LUA = `${HELPERS}
local now = tonumber(ARGV[2])
local id = ARGV[4]
local newExpiresAt = tonumber(ARGV[5])
local rec = redis.call('HMGET', KEYS[1], 'expiresAt', 'ip', 'instanceId')
if not rec[1] or tonumber(rec[1]) <= now then return {'not_found'} end
if newExpiresAt > tonumber(rec[1]) then
  redis.call('HSET', KEYS[1], 'expiresAt', ARGV[5])
  redis.call('PEXPIREAT', KEYS[1], math.ceil(newExpiresAt + grace))
  for _, key in ipairs({ ipKey(rec[2]), instKey(rec[3]), KEYS[2] }) do
    redis.call('ZADD', key, newExpiresAt, id)
    keepUntilLast(key)
  end
end
local result = redis.call('HGETALL', KEYS[1])
table.insert(result, 1, 'ok')
return result
`;

/**
 * KEYS: session hash, global set.
 * ARGV: prefix, now, grace, id.
 * Removes the session wherever it is (whichever instance minted it); returns its HGETALL fields if it
 * was live, else nil.
 */
export const END_LUA = `${HELPERS}
local now = tonumber(ARGV[2])
local id = ARGV[4]
local fields = redis.call('HGETALL', KEYS[1])
local expiresAt = redis.call('HGET', KEYS[1], 'expiresAt')
forget(id, KEYS[2])
if #fields == 0 or not expiresAt or tonumber(expiresAt) <= now then return false end
return fields
`;
