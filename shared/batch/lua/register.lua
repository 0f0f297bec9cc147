-- Registers an item's batch requests, each unless already answered, in flight, or failed (then consumed).
-- KEYS: requests hash, pending list, the item's call cache, stats hash.
-- ARGV[1]: now (ms). Then per request: custom_id, its first call-cache field, its record (JSON).
-- Returns per request: 'cached' (its answer is in the call cache), 'known' (already pending or in a batch),
-- 'added', or the failed record's JSON (a request the batcher gave up on: removed, so a later attempt sends it anew).
local out = {}
local added = 0
for i = 2, #ARGV, 3 do
  local id, field, record = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local existing = redis.call('HGET', KEYS[1], id)
  if redis.call('HEXISTS', KEYS[3], field) == 1 then
    if existing then redis.call('HDEL', KEYS[1], id) end
    out[#out + 1] = 'cached'
  elseif existing then
    local decoded = cjson.decode(existing)
    if decoded.state == 'failed' then
      redis.call('HDEL', KEYS[1], id)
      out[#out + 1] = existing
    else
      out[#out + 1] = 'known'
    end
  else
    if redis.call('LLEN', KEYS[2]) == 0 then redis.call('HSET', KEYS[4], 'pendingSince', ARGV[1]) end
    redis.call('HSET', KEYS[1], id, record)
    redis.call('RPUSH', KEYS[2], id)
    added = added + 1
    out[#out + 1] = 'added'
  end
end
if added > 0 then
  redis.call('HSET', KEYS[4], 'lastRegisteredAt', ARGV[1])
  redis.call('HINCRBY', KEYS[4], 'registered', added)
end
return out
