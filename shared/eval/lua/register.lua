-- INITIAL_STATE: the state table's initial state (prepended by the loader).
local existing = redis.call('HGET', KEYS[1], 'spec')
if existing then return existing end
redis.call('HSET', KEYS[1], 'spec', ARGV[1], 'state', INITIAL_STATE, 'submittedAt', ARGV[2], 'done', 0, 'errored', 0)
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
return false
