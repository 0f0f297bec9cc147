redis.call('HSET', KEYS[1], 'total', ARGV[1])
local done = tonumber(redis.call('HGET', KEYS[1], 'done') or '0')
if tonumber(ARGV[1]) == done then return 1 end
return 0
