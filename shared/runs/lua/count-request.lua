-- Counts one paid request and, when the run has a budget, stops the run once it is reached.
-- ARGV: promptTokens, completionTokens, maxTokens ('' = none), maxCostUsd ('' = none), prompt and completion USD per
-- million tokens, now, cached prompt tokens (a part of promptTokens), cached-prompt USD per million tokens. The cost
-- is shared/cost/usd.ts's usdOf over the run's totals. Returns 1 when this request stopped the run.
-- Runs after the state machine prelude (guarded_move, only_from).
redis.call('HINCRBY', KEYS[1], 'llmRequests', 1)
local p = redis.call('HINCRBY', KEYS[1], 'paidPromptTokens', ARGV[1])
local c = redis.call('HINCRBY', KEYS[1], 'paidCompletionTokens', ARGV[2])
if tonumber(ARGV[8]) > 0 then redis.call('HINCRBY', KEYS[1], 'paidCachedPromptTokens', ARGV[8]) end
local detail = nil
if ARGV[3] ~= '' and p + c >= tonumber(ARGV[3]) then
  detail = 'budget.maxTokens ' .. ARGV[3] .. ' reached (' .. (p + c) .. ' tokens paid)'
end
if detail == nil and ARGV[4] ~= '' then
  local cached = math.min(tonumber(redis.call('HGET', KEYS[1], 'paidCachedPromptTokens') or '0'), p)
  local cost = ((p - cached) * tonumber(ARGV[5]) + cached * tonumber(ARGV[9]) + c * tonumber(ARGV[6])) / 1000000
  if cost >= tonumber(ARGV[4]) then
    detail = 'budget.maxCostUsd ' .. ARGV[4] .. ' reached (' .. string.format('%.4f', cost) .. ' USD paid)'
  end
end
if detail == nil then return 0 end
if guarded_move(KEYS[1], 'cancelled', nil) ~= 'ok' then return 0 end
redis.call('HSET', KEYS[1], 'stopReason', 'budget', 'stopDetail', detail, 'stoppedAt', ARGV[7])
return 1
