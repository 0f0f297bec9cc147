-- Settles paid responses (one or more, of any items and runs) in one atomic step: each response's completions go into
-- its item's call cache and the request is counted in its run (count-paid.lua, which runs before), with the run's
-- budget check, in order. Being one atomic step, a response is counted exactly when it is cached: a retry that finds
-- it in the cache neither pays nor counts it again.
-- KEYS: the runs' hashes, then the items' call caches. ARGV[1]: how many KEYS are runs. Then per response: its run
-- (position in KEYS), its cache (position in KEYS), cache TTL in seconds ('0' = leave the expiry as it is),
-- promptTokens, completionTokens, cachedPromptTokens, unrecognised (1 or 0), maxTokens ('' = none), maxCostUsd
-- ('' = none), prompt, completion and cached-prompt USD per million tokens, now, how many cache fields, then that many
-- field, value pairs.
-- Returns, per response, 1 when it stopped its run, else 0. Each run hash is read once and written once. RunStore sends
-- one run (its hash and its items' caches, all tagged {<runId>}) per call, so on a Redis Cluster a call is one slot.
local paidOf, fieldsOf, ttlOf = {}, {}, {}
local stopped = {}
local i = 2
while i <= #ARGV do
  local run, cache = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  local nFields = tonumber(ARGV[i + 13])
  local fields = fieldsOf[cache]
  if fields == nil then fields = {}; fieldsOf[cache] = fields end
  for f = i + 14, i + 13 + 2 * nFields do fields[#fields + 1] = ARGV[f] end
  if ARGV[i + 2] ~= '0' then ttlOf[cache] = ARGV[i + 2] end
  if paidOf[run] == nil then paidOf[run] = load_paid(KEYS[run]) end
  local usage = {tonumber(ARGV[i + 3]), tonumber(ARGV[i + 4]), tonumber(ARGV[i + 5]), tonumber(ARGV[i + 6])}
  local budget = {ARGV[i + 7], ARGV[i + 8], ARGV[i + 9], ARGV[i + 10], ARGV[i + 11]}
  stopped[#stopped + 1] = add_paid(paidOf[run], usage, budget, ARGV[i + 12])
  i = i + 14 + 2 * nFields
end
for cache, fields in pairs(fieldsOf) do
  if #fields > 0 then redis.call('HSET', KEYS[cache], unpack(fields)) end
  if ttlOf[cache] then redis.call('EXPIRE', KEYS[cache], ttlOf[cache]) end
end
for _, paid in pairs(paidOf) do save_paid(paid) end
return stopped
