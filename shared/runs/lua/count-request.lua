-- Counts one paid request and, when the run has a budget, stops the run once it is reached. After count-paid.lua.
-- KEYS: run. ARGV: promptTokens, completionTokens, maxTokens ('' = none), maxCostUsd ('' = none), prompt and
-- completion USD per million tokens, now, cached prompt tokens (a part of promptTokens), cached-prompt USD per
-- million tokens. Returns 1 when this request stopped the run.
local paid = load_paid(KEYS[1])
local stopped = add_paid(paid, {tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[8]), 0}, {ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[9]}, ARGV[7])
save_paid(paid)
return stopped
