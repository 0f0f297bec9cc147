-- Closes a batch whose items have been woken: its record stays (for status), it leaves the open set, its member
-- list goes. KEYS: batches hash, open set, members list. ARGV: seq, the batch record (JSON).
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3])
return 1
