-- Registers a run's hash in one step (a crash cannot leave a run without its state). Returns the spec already stored
-- under the id, or nothing when the run is new. The run index is added to before, by the caller: it is a global key,
-- in another Redis Cluster slot than the run's.
-- INITIAL_STATE: the state table's initial state (prepended by the loader).
local existing = redis.call('HGET', KEYS[1], 'spec')
if existing then return existing end
redis.call('HSET', KEYS[1], 'spec', ARGV[1], 'state', INITIAL_STATE, 'submittedAt', ARGV[2], 'done', 0)
return false
