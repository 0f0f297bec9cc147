-- Reopens a published run for `s2d retry`: published -> running, the next dataset version, the previous manifest
-- remembered, and the bitmaps the publication dropped rebuilt so that exactly the retried items (ARGV[2..]) count as
-- enqueued and not done. ARGV[1] is the version the caller read: a second retry racing this one is refused.
-- Returns 'ok', or the state (or 'stale') that refuses it.
-- Runs after the state machine prelude (guarded_move, only_from).
local state = redis.call('HGET', KEYS[1], 'state')
-- Not 'already': a run that is running (e.g. an earlier retry) is not reopened.
if state ~= 'published' then return state or 'missing' end
if tonumber(redis.call('HGET', KEYS[1], 'version') or '1') ~= tonumber(ARGV[1]) then return 'stale' end
local outcome = guarded_move(KEYS[1], 'running', only_from('published'))
if outcome ~= 'ok' then return outcome end
local total = tonumber(redis.call('HGET', KEYS[1], 'total') or '0')
redis.call('DEL', KEYS[2], KEYS[3])
local bytes = math.floor(total / 8)
if bytes > 0 then redis.call('SETRANGE', KEYS[2], 0, string.rep(string.char(255), bytes)) end
for i = bytes * 8, total - 1 do redis.call('SETBIT', KEYS[2], i, 1) end
local retried = 0
for i = 2, #ARGV do
  if redis.call('SETBIT', KEYS[2], ARGV[i], 0) == 1 then retried = retried + 1 end
  redis.call('SETBIT', KEYS[3], ARGV[i], 1)
end
redis.call('HINCRBY', KEYS[1], 'done', -retried)
redis.call('HINCRBY', KEYS[1], 'errored', -retried)
redis.call('HSET', KEYS[1], 'queued', retried, 'version', tonumber(ARGV[1]) + 1, 'previousManifest', redis.call('HGET', KEYS[1], 'manifestLocation') or '')
redis.call('HDEL', KEYS[1], 'publishedAt', 'manifestLocation')
return 'ok'
