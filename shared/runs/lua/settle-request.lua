-- Settles one paid response of an item in one step: its completions go into the item's call cache and the request
-- is counted (count-paid.lua, which runs before), with the run's budget check. Being one atomic step, a response is
-- counted exactly when it is cached: a retry that finds it in the cache neither pays nor counts it again.
-- KEYS: run, item call cache. ARGV: cache TTL in seconds ('0' = leave the expiry as it is), promptTokens,
-- completionTokens, cachedPromptTokens, unrecognised (1 when the s2d simulator did not recognise the prompt, else 0),
-- maxTokens ('' = none), maxCostUsd ('' = none), prompt, completion and cached-prompt USD per million tokens, now,
-- then cache field, value pairs. Returns 1 when this request stopped the run.
if #ARGV > 11 then
  redis.call('HSET', KEYS[2], unpack(ARGV, 12))
  if ARGV[1] ~= '0' then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
end
return count_paid(KEYS[1], {1, tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])}, {ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10]}, ARGV[11])
