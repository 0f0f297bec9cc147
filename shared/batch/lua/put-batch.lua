-- Records a batch's new state and counts the step, in one step.
-- KEYS: batches hash, stats hash. ARGV: seq, the batch record (JSON), a stats counter to add 1 to ('' = none).
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[3] ~= '' then redis.call('HINCRBY', KEYS[2], ARGV[3], 1) end
return 1
