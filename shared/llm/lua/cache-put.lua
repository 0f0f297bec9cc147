-- Stores completions in an item's call cache in one command from the client. KEYS: the cache hash. ARGV: TTL in
-- seconds ('0' = leave the expiry as it is), then field, value pairs.
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
if ARGV[1] ~= '0' then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return 0
