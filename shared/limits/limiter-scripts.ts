/**
 * Lua scripts of the endpoint limiter: each decision reads and writes the endpoint's state in one atomic step, and all
 * times come from the Redis clock (TIME), so workers with skewed clocks still share one budget.
 *
 * KEYS[1] state hash: cap, successes, lastCutAt, pausedUntil, reqLevel/reqAt (request bucket), tokLevel/tokAt
 *         (token bucket); KEYS[2] leases sorted set: lease id -> expiry (ms); KEYS[3] trajectory list of
 *         "<ms>:<cap>:<why>" (the last 500 cap changes, for status and tests).
 *
 * Budgets are token buckets holding BURST_SECONDS of the per-minute rate, refilled continuously; a request that costs
 * more than a full bucket is let through when the bucket is full and leaves it in debt, so nothing can starve.
 *
 * The in-flight cap is AIMD, always clamped into [minConcurrency, maxConcurrency] (a cap stored under other limits
 * is clamped on the next acquire or release):
 * - additive increase: after `cap` successes in a row (about one round of the current window) the cap grows by one,
 *   up to the maximum; at the maximum the success count stops at the cap.
 * - multiplicative decrease: a 429 multiplies the cap by DECREASE_FACTOR (never below the floor) and starts the
 *   success count again — once per window: the 429 of a request acquired before the last cut (acquiredAt < lastCutAt)
 *   does not cut again, since it was sent under the old cap.
 * test/integration/limiter-aimd.test.ts pins these rules on these scripts.
 */

/** Seconds of the per-minute budget a bucket can hold (its burst). */
export const BURST_SECONDS = 10;
/** Multiplicative decrease of the in-flight cap on a 429: halved. */
export const DECREASE_FACTOR = 0.5;
export const TRAJECTORY_LENGTH = 500;

const COMMON = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local burst = ${BURST_SECONDS}
local function clampCap(cap, minC, maxC)
  if cap > maxC then cap = maxC end
  if cap < minC then cap = minC end
  return cap
end
local function level(stored, at, perMin)
  local capacity = perMin * burst / 60
  if stored == nil then return capacity, capacity end
  local l = stored + (now - (at or now)) * perMin / 60000
  if l > capacity then l = capacity end
  return l, capacity
end
local function trace(key, cap, why)
  redis.call('RPUSH', key, now .. ':' .. cap .. ':' .. why)
  redis.call('LTRIM', key, -${TRAJECTORY_LENGTH}, -1)
end
`;

/**
 * Admits a batch of waiting requests in order, as many as the limits allow (one round trip for a process's whole
 * queue when nothing is throttled). ARGV: leaseMs, minConcurrency, maxConcurrency, requestsPerMinute (0 = none),
 * tokensPerMinute (0 = none), ttlMs, then leaseId, tokenCost pairs.
 * Returns {granted (how many of the batch, from the front), waitMs, why, cap, now}: why is granted | paused |
 * concurrency | requests | tokens (what stopped the batch), waitMs how long until that could change (0 = poll).
 */
export const ACQUIRE = `${COMMON}
local leaseMs, minC, maxC = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local rpm, tpm, ttl = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local s = redis.call('HMGET', KEYS[1], 'cap', 'pausedUntil', 'reqLevel', 'reqAt', 'tokLevel', 'tokAt')
local cap = clampCap(tonumber(s[1]) or maxC, minC, maxC)
local pausedUntil = tonumber(s[2]) or 0
if pausedUntil > now then return {0, pausedUntil - now, 'paused', cap, now} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local inflight = redis.call('ZCARD', KEYS[2])
local req, tok, tokCapacity
if rpm > 0 then req = level(tonumber(s[3]), tonumber(s[4]), rpm) end
if tpm > 0 then tok, tokCapacity = level(tonumber(s[5]), tonumber(s[6]), tpm) end
local granted, waitMs, why = 0, 0, 'granted'
for i = 7, #ARGV, 2 do
  local leaseId, cost = ARGV[i], tonumber(ARGV[i + 1])
  if inflight >= cap then why = 'concurrency'; break end
  if req ~= nil and req < 1 then
    why = 'requests'; waitMs = math.ceil((1 - req) * 60000 / rpm); break
  end
  if tok ~= nil then
    local need = math.min(cost, tokCapacity)
    if tok < need then why = 'tokens'; waitMs = math.ceil((need - tok) * 60000 / tpm); break end
    tok = tok - cost
  end
  if req ~= nil then req = req - 1 end
  redis.call('ZADD', KEYS[2], now + leaseMs, leaseId)
  inflight = inflight + 1
  granted = granted + 1
end
redis.call('HSET', KEYS[1], 'cap', cap)
if req ~= nil then redis.call('HSET', KEYS[1], 'reqLevel', tostring(req), 'reqAt', now) end
if tok ~= nil then redis.call('HSET', KEYS[1], 'tokLevel', tostring(tok), 'tokAt', now) end
redis.call('PEXPIRE', KEYS[1], ttl)
if granted > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
return {granted, waitMs, why, cap, now}
`;

/**
 * ARGV: leaseId, outcome (ok | rate-limited | failed), acquiredAt, tokenRefund (reserved - used; negative when the
 * request used more than it reserved), retryAfterMs, minConcurrency, maxConcurrency, tokensPerMinute, ttlMs.
 * Returns {cap, pausedUntil}.
 */
export const RELEASE = `${COMMON}
local leaseId, outcome, acquiredAt, refund, retryAfter = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local minC, maxC, tpm, ttl = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
redis.call('ZREM', KEYS[2], leaseId)
local s = redis.call('HMGET', KEYS[1], 'cap', 'successes', 'lastCutAt', 'pausedUntil', 'tokLevel', 'tokAt')
local cap = clampCap(tonumber(s[1]) or maxC, minC, maxC)
local successes = tonumber(s[2]) or 0
local lastCutAt = tonumber(s[3]) or 0
local pausedUntil = tonumber(s[4]) or 0
if tpm > 0 and refund ~= 0 and s[5] then
  local tok, capacity = level(tonumber(s[5]), tonumber(s[6]), tpm)
  tok = tok + refund
  if tok > capacity then tok = capacity end
  redis.call('HSET', KEYS[1], 'tokLevel', tostring(tok), 'tokAt', now)
end
if outcome == 'ok' then
  successes = successes + 1
  if successes >= cap and cap < maxC then
    cap = cap + 1
    successes = 0
    trace(KEYS[3], cap, 'up')
  elseif successes > cap then
    successes = cap
  end
elseif outcome == 'rate-limited' then
  successes = 0
  if now + retryAfter > pausedUntil then pausedUntil = now + retryAfter end
  if acquiredAt >= lastCutAt then
    cap = clampCap(math.floor(cap * ${DECREASE_FACTOR}), minC, maxC)
    lastCutAt = now
    trace(KEYS[3], cap, '429')
  end
end
redis.call('HSET', KEYS[1], 'cap', cap, 'successes', successes, 'lastCutAt', lastCutAt, 'pausedUntil', pausedUntil)
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[3], ttl)
return {cap, pausedUntil}
`;
