-- Counts an item once; returns {first, complete}.
-- A finalised eval is history: a late duplicate neither counts nor brings the bitmap back.
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'finalised' then return {1, 1} end
-- A refused one never completes (a worker with a wider policy may still meet its items; they do not count).
if state == 'refused' then return {1, 0} end
local was = redis.call('SETBIT', KEYS[2], ARGV[1], 1)
if was == 0 then
  redis.call('HINCRBY', KEYS[1], 'done', 1)
  if ARGV[2] == 'errored' then redis.call('HINCRBY', KEYS[1], 'errored', 1) end
end
local total = redis.call('HGET', KEYS[1], 'total')
local done = tonumber(redis.call('HGET', KEYS[1], 'done') or '0')
local complete = 0
if total and tonumber(total) == done then complete = 1 end
return {was, complete}
