-- Settles an ended batch once: answered requests leave the request hash (their completions are already in the
-- items' call caches), the ones to resubmit go back to the pending list, the ones given up on are marked failed with
-- their reason; the batch record becomes 'ingested' with the items to wake. A second call (a batcher that died after
-- the first) changes nothing and returns the recorded items.
-- KEYS: batches hash, requests hash, pending list, stats hash.
-- ARGV: seq, the batch record as ingested (JSON, with its `wake` list), then how many answered, their ids, how many
-- to resubmit, their ids, then id, '<status>|<reason>' pairs of failed requests (status empty when the line had none).
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current and cjson.decode(current).state ~= 'ended' then return current end
local i = 3
local answered = tonumber(ARGV[i])
for j = i + 1, i + answered do redis.call('HDEL', KEYS[2], ARGV[j]) end
i = i + answered + 1
local retry = tonumber(ARGV[i])
for j = i + 1, i + retry do
  local raw = redis.call('HGET', KEYS[2], ARGV[j])
  if raw then
    local record = cjson.decode(raw)
    record.state = 'pending'
    redis.call('HSET', KEYS[2], ARGV[j], cjson.encode(record))
    if redis.call('LLEN', KEYS[3]) == 0 then redis.call('HSET', KEYS[4], 'pendingSince', cjson.decode(ARGV[2]).endedAt or 0) end
    redis.call('RPUSH', KEYS[3], ARGV[j])
  end
end
if retry > 0 then redis.call('HINCRBY', KEYS[4], 'resubmitted', retry) end
i = i + retry + 1
local failed = 0
while i + 1 <= #ARGV do
  local raw = redis.call('HGET', KEYS[2], ARGV[i])
  if raw then
    local record = cjson.decode(raw)
    local bar = string.find(ARGV[i + 1], '|', 1, true)
    record.state = 'failed'
    record.reason = string.sub(ARGV[i + 1], bar + 1)
    if bar > 1 then record.status = tonumber(string.sub(ARGV[i + 1], 1, bar - 1)) end
    redis.call('HSET', KEYS[2], ARGV[i], cjson.encode(record))
    failed = failed + 1
  end
  i = i + 2
end
if failed > 0 then redis.call('HINCRBY', KEYS[4], 'requestsFailed', failed) end
redis.call('HINCRBY', KEYS[4], 'answered', answered)
local ended = cjson.decode(ARGV[2]).status
if ended then redis.call('HINCRBY', KEYS[4], 'batches_' .. ended, 1) end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return ARGV[2]
