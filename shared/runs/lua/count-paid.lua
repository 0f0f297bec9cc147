-- count_paid(key, counts, budget, now): counts paid requests in the run hash `key` and, when the run has a budget,
-- stops the run once it is reached. Runs after the state machine prelude (guarded_move).
-- counts: {requests, promptTokens, completionTokens, cachedPromptTokens (a part of promptTokens), unrecognised
-- (requests the s2d simulator answered without recognising the prompt)}.
-- budget: {maxTokens ('' = none), maxCostUsd ('' = none), prompt, completion and cached-prompt USD per million
-- tokens}. The cost is shared/cost/usd.ts's usdOf over the run's totals.
-- One read and one write of the hash, whatever is counted. Returns 1 when this call stopped the run.
local function count_paid(key, counts, budget, now)
  local r = redis.call('HMGET', key, 'llmRequests', 'paidPromptTokens', 'paidCompletionTokens', 'paidCachedPromptTokens', 'unrecognisedBySimulator')
  local p = (tonumber(r[2]) or 0) + counts[2]
  local c = (tonumber(r[3]) or 0) + counts[3]
  local cachedTotal = (tonumber(r[4]) or 0) + counts[4]
  local fields = {
    'llmRequests', string.format('%d', (tonumber(r[1]) or 0) + counts[1]),
    'paidPromptTokens', string.format('%d', p),
    'paidCompletionTokens', string.format('%d', c),
  }
  -- Fields that stay absent until there is something to count (as HINCRBY left them).
  if counts[4] > 0 then
    fields[#fields + 1] = 'paidCachedPromptTokens'
    fields[#fields + 1] = string.format('%d', cachedTotal)
  end
  if counts[5] > 0 then
    fields[#fields + 1] = 'unrecognisedBySimulator'
    fields[#fields + 1] = string.format('%d', (tonumber(r[5]) or 0) + counts[5])
  end
  redis.call('HSET', key, unpack(fields))
  local detail = nil
  if budget[1] ~= '' and p + c >= tonumber(budget[1]) then
    detail = 'budget.maxTokens ' .. budget[1] .. ' reached (' .. string.format('%d', p + c) .. ' tokens paid)'
  end
  if detail == nil and budget[2] ~= '' then
    local cached = math.min(cachedTotal, p)
    local cost = ((p - cached) * tonumber(budget[3]) + cached * tonumber(budget[5]) + c * tonumber(budget[4])) / 1000000
    if cost >= tonumber(budget[2]) then
      detail = 'budget.maxCostUsd ' .. budget[2] .. ' reached (' .. string.format('%.4f', cost) .. ' USD paid)'
    end
  end
  if detail == nil then return 0 end
  if guarded_move(key, 'cancelled', nil) ~= 'ok' then return 0 end
  redis.call('HSET', key, 'stopReason', 'budget', 'stopDetail', detail, 'stoppedAt', now)
  return 1
end
