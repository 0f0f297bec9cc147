-- Registers an eval's hash; the caller has added it to the (global) eval index before. Returns the spec already stored
-- under the id, or nothing when the eval is new.
-- INITIAL_STATE: the state table's initial state (prepended by the loader).
local existing = redis.call('HGET', KEYS[1], 'spec')
if existing then return existing end
redis.call('HSET', KEYS[1], 'spec', ARGV[1], 'state', INITIAL_STATE, 'submittedAt', ARGV[2], 'done', 0, 'errored', 0)
return false
