-- Records that a producer put these items on the queue (ARGV: indices) and counts the new ones in `queued`.
if redis.call('HGET', KEYS[1], 'state') == 'published' then return 0 end
local added = 0
for _, index in ipairs(ARGV) do
  if redis.call('SETBIT', KEYS[2], index, 1) == 0 and redis.call('GETBIT', KEYS[3], index) == 0 then added = added + 1 end
end
if added > 0 then redis.call('HINCRBY', KEYS[1], 'queued', added) end
return added
