-- Claims pending requests for batch <seq> and records the intent, in one step: the batch record (state 'claimed'),
-- its member list and its place in the open set. A crash after this loses nothing: the batcher finds the batch in
-- the open set and uploads its members.
-- KEYS: pending list, requests hash, batches hash, open set, members list of <seq>, stats hash.
-- ARGV: seq, max requests, max bytes, now (ms).
-- Returns how many requests were claimed (0: no batch recorded).
local seq, maxCount, maxBytes = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local ids = redis.call('LRANGE', KEYS[1], 0, maxCount - 1)
local taken, bytes, count = 0, 0, 0
for _, id in ipairs(ids) do
  local raw = redis.call('HGET', KEYS[2], id)
  if raw then
    local record = cjson.decode(raw)
    local size = string.len(record.line) + 1
    if count > 0 and bytes + size > maxBytes then break end
    if record.state ~= 'failed' then
      record.state = 'sent'
      record.tries = (record.tries or 0) + 1
      redis.call('HSET', KEYS[2], id, cjson.encode(record))
      redis.call('RPUSH', KEYS[5], id)
      bytes = bytes + size
      count = count + 1
    end
  end
  taken = taken + 1
end
if taken > 0 then redis.call('LTRIM', KEYS[1], taken, -1) end
if redis.call('LLEN', KEYS[1]) == 0 then redis.call('HDEL', KEYS[6], 'pendingSince') else redis.call('HSET', KEYS[6], 'pendingSince', ARGV[4]) end
if count == 0 then return 0 end
redis.call('HSET', KEYS[3], seq, cjson.encode({seq = tonumber(seq), state = 'claimed', requests = count, bytes = bytes, claimedAt = tonumber(ARGV[4])}))
redis.call('SADD', KEYS[4], seq)
redis.call('HINCRBY', KEYS[6], 'submitted', count)
return count
