-- Counting paid requests in a run hash, with the run's budget check. Runs after the state machine prelude
-- (guarded_move). A caller loads a run's counters once, adds any number of requests in order, and saves them once:
-- one read and one write of the hash, whatever is counted.

-- The run's paid counters as they are now.
local function load_paid(key)
  local r = redis.call('HMGET', key, 'llmRequests', 'paidPromptTokens', 'paidCompletionTokens', 'paidCachedPromptTokens', 'unrecognisedBySimulator')
  return {
    key = key,
    requests = tonumber(r[1]) or 0,
    prompt = tonumber(r[2]) or 0,
    completion = tonumber(r[3]) or 0,
    cached = tonumber(r[4]) or 0,
    unrecognised = tonumber(r[5]) or 0,
    -- Fields that stay absent until there is something to count (as HINCRBY left them).
    cachedSeen = r[4] ~= false,
    unrecognisedSeen = r[5] ~= false,
  }
end

-- Adds one paid request: usage {promptTokens, completionTokens, cachedPromptTokens (a part of promptTokens),
-- unrecognised (1 when the s2d simulator answered without recognising the prompt)}; budget {maxTokens ('' = none),
-- maxCostUsd ('' = none), prompt, completion and cached-prompt USD per million tokens}; the cost is
-- shared/cost/usd.ts's usdOf over the run's totals. When this request reaches the budget the run stops (state
-- cancelled, reason budget, at `now`). Returns 1 when this request stopped the run.
local function add_paid(paid, usage, budget, now)
  paid.requests = paid.requests + 1
  paid.prompt = paid.prompt + usage[1]
  paid.completion = paid.completion + usage[2]
  if usage[3] > 0 then paid.cached = paid.cached + usage[3]; paid.cachedSeen = true end
  if usage[4] > 0 then paid.unrecognised = paid.unrecognised + usage[4]; paid.unrecognisedSeen = true end
  local p, c = paid.prompt, paid.completion
  local detail = nil
  if budget[1] ~= '' and p + c >= tonumber(budget[1]) then
    detail = 'budget.maxTokens ' .. budget[1] .. ' reached (' .. string.format('%d', p + c) .. ' tokens paid)'
  end
  if detail == nil and budget[2] ~= '' then
    local cached = math.min(paid.cached, p)
    local cost = ((p - cached) * tonumber(budget[3]) + cached * tonumber(budget[5]) + c * tonumber(budget[4])) / 1000000
    if cost >= tonumber(budget[2]) then
      detail = 'budget.maxCostUsd ' .. budget[2] .. ' reached (' .. string.format('%.4f', cost) .. ' USD paid)'
    end
  end
  if detail == nil then return 0 end
  if guarded_move(paid.key, 'cancelled', nil) ~= 'ok' then return 0 end
  redis.call('HSET', paid.key, 'stopReason', 'budget', 'stopDetail', detail, 'stoppedAt', now)
  return 1
end

-- Writes the counters back, in one HSET.
local function save_paid(paid)
  local fields = {
    'llmRequests', string.format('%d', paid.requests),
    'paidPromptTokens', string.format('%d', paid.prompt),
    'paidCompletionTokens', string.format('%d', paid.completion),
  }
  if paid.cachedSeen then
    fields[#fields + 1] = 'paidCachedPromptTokens'; fields[#fields + 1] = string.format('%d', paid.cached)
  end
  if paid.unrecognisedSeen then
    fields[#fields + 1] = 'unrecognisedBySimulator'; fields[#fields + 1] = string.format('%d', paid.unrecognised)
  end
  redis.call('HSET', paid.key, unpack(fields))
end
