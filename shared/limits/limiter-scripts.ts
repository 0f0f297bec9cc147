import { ENDPOINT_HEALTH_MACHINE, RATE_LIMITED_QUIET_MS } from './endpoint-health-states.js';

/**
 * Lua scripts of the endpoint limiter: each decision reads and writes the endpoint's state in one atomic step, and all
 * times come from the Redis clock (TIME), so workers with skewed clocks still share one budget.
 *
 * KEYS[1] state hash: cap, successes, lastCutAt, pausedUntil, ssthresh, cutSeries, okLevel, reqLevel/reqAt (request bucket),
 *         tokLevel/tokAt (token bucket); KEYS[2] leases sorted set: lease id -> expiry (ms); KEYS[3] trajectory list
 *         of "<ms>:<cap>:<why>" (the last 500 cap changes, for status and tests); the health hash (see
 *         endpoint-health-states.ts): state, since, failures/streakAt/streakItems (the current run of outage-class
 *         failures), downSince, probes (failed ones), nextProbeAt, probeLease/probeUntil, sentWhileDown, outages,
 *         lastDownFrom/lastDownUntil (the last outage that ended), last429At, lastSuccessAt.
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
 * - slow start back to where it was: the first cut of a series (cuts with no success in between, counting only
 *   requests sent after the last cut) remembers a level to come back to (`ssthresh`): the cap it cut to, but no more
 *   than the most requests that were in flight at a success since the previous cut (`okLevel`, a level the endpoint
 *   really served). A storm of 429s may then cut on down to the floor, but once requests succeed again the cap grows
 *   by one per success (doubling per round) until it is back at `ssthresh`, then additively. Without it, a cap
 *   left at the floor by a minute of 429s grew back one per round: at a few seconds per LLM request, minutes to
 *   regain a few dozen slots. A partial storm (successes between cuts) starts a new series at every cut, at about the
 *   level that was served, so there the rules are plain AIMD.
 * - an outage (health `down`) remembers the level it was working at in `ssthresh` (the cap, at most `okLevel`);
 *   recovery restarts the cap at the floor and slow-starts back to it, so a server that has just come back is not
 *   handed the fleet's whole backlog.
 * test/integration/limiter-aimd.test.ts pins these rules on these scripts, endpoint-health.test.ts the health ones.
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
local function nominal_delay(probes, initial, maxd)
  local d = initial * (2 ^ math.min(probes, 40))
  if d > maxd then d = maxd end
  return math.floor(d)
end
${ENDPOINT_HEALTH_MACHINE.lua}
`;

/**
 * Admits a batch of waiting requests in order, as many as the limits allow (one round trip for a process's whole
 * queue when nothing is throttled). KEYS: state, leases, health. ARGV: leaseMs, minConcurrency, maxConcurrency,
 * requestsPerMinute (0 = none), tokensPerMinute (0 = none), ttlMs, probeInitialMs, probeMaxMs, then leaseId,
 * tokenCost pairs.
 * Returns {granted (how many of the batch, from the front), waitMs, why, cap, now, downSince, retryAt}: why is
 * granted | paused | concurrency | requests | tokens (what stopped the batch), waitMs how long until that could change
 * (0 = poll). While the endpoint is down, why is `probe` when the first request of the batch is admitted as the one
 * probe (no other limit applies to it), else `down`, with retryAt the earliest the next probe can be due (the batch
 * is then refused: its items park instead of waiting in a worker).
 */
export const ACQUIRE = `${COMMON}
local leaseMs, minC, maxC = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local rpm, tpm, ttl = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local probeInitial, probeMax = tonumber(ARGV[7]), tonumber(ARGV[8])
local s = redis.call('HMGET', KEYS[1], 'cap', 'pausedUntil', 'reqLevel', 'reqAt', 'tokLevel', 'tokAt')
local cap = clampCap(tonumber(s[1]) or maxC, minC, maxC)
local h = redis.call('HMGET', KEYS[3], 'state', 'nextProbeAt', 'probeLease', 'probeUntil', 'downSince', 'probes')
if h[1] == 'down' then
  local nextProbeAt = tonumber(h[2]) or now
  local downSince = tonumber(h[5]) or now
  local probing = h[3] and (tonumber(h[4]) or 0) > now
  if probing or now < nextProbeAt then
    local retryAt = nextProbeAt
    -- A probe in flight: the next one can be due no sooner than its backoff after this one fails.
    if probing then retryAt = now + nominal_delay(tonumber(h[6]) or 0, probeInitial, probeMax) end
    if retryAt < now then retryAt = now end
    return {0, retryAt - now, 'down', cap, now, downSince, retryAt}
  end
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  redis.call('ZADD', KEYS[2], now + leaseMs, ARGV[9])
  redis.call('PEXPIRE', KEYS[2], ttl)
  redis.call('HSET', KEYS[3], 'probeLease', ARGV[9], 'probeUntil', now + leaseMs)
  redis.call('HINCRBY', KEYS[3], 'sentWhileDown', 1)
  return {1, 0, 'probe', cap, now, downSince, nextProbeAt}
end
local pausedUntil = tonumber(s[2]) or 0
if pausedUntil > now then return {0, pausedUntil - now, 'paused', cap, now, 0, 0} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local inflight = redis.call('ZCARD', KEYS[2])
local req, tok, tokCapacity
if rpm > 0 then req = level(tonumber(s[3]), tonumber(s[4]), rpm) end
if tpm > 0 then tok, tokCapacity = level(tonumber(s[5]), tonumber(s[6]), tpm) end
local granted, waitMs, why = 0, 0, 'granted'
for i = 9, #ARGV, 2 do
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
return {granted, waitMs, why, cap, now, 0, 0}
`;

/**
 * Reports how a request ended. KEYS: state, leases, trajectory, health. ARGV: leaseId, outcome, acquiredAt,
 * tokenRefund (reserved - used; negative when the request used more than it reserved), retryAfterMs, minConcurrency,
 * maxConcurrency, tokensPerMinute, ttlMs, requester (the item, for the distinct-items rule; '' = the lease id),
 * random in [0, 1) (probe jitter), failureThreshold, minItems, windowMs, probeInitialMs, probeMaxMs.
 *
 * Outcomes: ok (success) | rate-limited (429) | unreachable (connection error, timeout, 502/503/504) | answered (the
 * server answered with another error status) | failed (anything else: says nothing about the server).
 * Any answer (ok, answered, rate-limited) ends an outage and the current run of failures; `unreachable` lengthens
 * the run (within windowMs of its first failure, else starts a new one) and marks the endpoint down once it has
 * failureThreshold failures from minItems different items. A failed probe (unreachable or failed) schedules the
 * next one.
 * Returns {cap, pausedUntil, event, state, downSince, nextProbeAt}: event is '' or the health change this report
 * made: down | recovered | rate-limited | healthy | probe-failed.
 */
export const RELEASE = `${COMMON}
local leaseId, outcome, acquiredAt, refund, retryAfter = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local minC, maxC, tpm, ttl = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local requester, random = ARGV[10], tonumber(ARGV[11])
local threshold, minItems, windowMs = tonumber(ARGV[12]), tonumber(ARGV[13]), tonumber(ARGV[14])
local probeInitial, probeMax = tonumber(ARGV[15]), tonumber(ARGV[16])
if requester == '' then requester = leaseId end
redis.call('ZREM', KEYS[2], leaseId)
local s = redis.call('HMGET', KEYS[1], 'cap', 'successes', 'lastCutAt', 'pausedUntil', 'tokLevel', 'tokAt', 'ssthresh', 'cutSeries', 'okLevel')
local cap = clampCap(tonumber(s[1]) or maxC, minC, maxC)
local successes = tonumber(s[2]) or 0
local lastCutAt = tonumber(s[3]) or 0
local pausedUntil = tonumber(s[4]) or 0
local ssthresh = tonumber(s[7]) or 0
local series = tonumber(s[8]) or 0
local okLevel = tonumber(s[9]) or 0
if tpm > 0 and refund ~= 0 and s[5] then
  local tok, capacity = level(tonumber(s[5]), tonumber(s[6]), tpm)
  tok = tok + refund
  if tok > capacity then tok = capacity end
  redis.call('HSET', KEYS[1], 'tokLevel', tostring(tok), 'tokAt', now)
end

local HK = KEYS[4]
if redis.call('HSETNX', HK, 'state', 'healthy') == 1 then redis.call('HSET', HK, 'since', now) end
local h = redis.call('HMGET', HK, 'state', 'probeLease', 'failures', 'streakAt', 'streakItems', 'probes', 'last429At')
local health = h[1]
local isProbe = h[2] == leaseId
local event = ''

-- The server answered: the outage (if any) is over; to is healthy, or rate-limited for a 429.
local function recover(to)
  local downSince = redis.call('HGET', HK, 'downSince')
  guarded_move(HK, to, nil)
  redis.call('HSET', HK, 'lastDownFrom', downSince or now, 'lastDownUntil', now)
  redis.call('HDEL', HK, 'downSince', 'probes', 'nextProbeAt', 'probeLease', 'probeUntil')
  cap = minC
  successes = 0
  series = 0
  trace(KEYS[3], cap, 'recovered')
  health = to
  event = 'recovered'
end
local function schedule_probe(failedProbes)
  local nextProbeAt = now + math.floor(nominal_delay(failedProbes, probeInitial, probeMax) * (0.5 + 0.5 * random) + 0.5)
  redis.call('HSET', HK, 'probes', failedProbes, 'nextProbeAt', nextProbeAt)
  redis.call('HDEL', HK, 'probeLease', 'probeUntil')
end

if outcome == 'ok' or outcome == 'answered' or outcome == 'rate-limited' then
  redis.call('HSET', HK, 'failures', 0, 'streakItems', '')
end
if outcome == 'ok' or outcome == 'answered' then
  if health == 'down' then
    recover('healthy')
  elseif health == 'rate-limited' and outcome == 'ok' and now - (tonumber(h[7]) or 0) >= ${RATE_LIMITED_QUIET_MS} then
    guarded_move(HK, 'healthy', nil)
    health = 'healthy'
    event = 'healthy'
  end
end
if outcome == 'ok' then
  redis.call('HSET', HK, 'lastSuccessAt', now)
  successes = successes + 1
  -- Only a request sent under the current cap says something about it; one sent before the last cut does not (as
  -- for 429s). Such a success ends a series of cuts, and the requests in flight with it are a level that worked.
  local current = acquiredAt >= lastCutAt
  if current then
    series = 0
    local level = redis.call('ZCARD', KEYS[2]) + 1
    if level > okLevel then okLevel = level end
  end
  -- Slow start only on the word of a request sent under the current cap: stragglers must not regrow it mid-storm.
  if current and cap < ssthresh and cap < maxC then
    cap = cap + 1
    successes = 0
    trace(KEYS[3], cap, 'start')
  elseif successes >= cap and cap < maxC then
    cap = cap + 1
    successes = 0
    trace(KEYS[3], cap, 'up')
  elseif successes > cap then
    successes = cap
  end
elseif outcome == 'rate-limited' then
  redis.call('HSET', HK, 'last429At', now)
  if health == 'down' then
    recover('rate-limited')
  elseif health == 'healthy' then
    guarded_move(HK, 'rate-limited', nil)
    health = 'rate-limited'
    event = 'rate-limited'
  end
  successes = 0
  if now + retryAfter > pausedUntil then pausedUntil = now + retryAfter end
  if acquiredAt >= lastCutAt then
    cap = clampCap(math.floor(cap * ${DECREASE_FACTOR}), minC, maxC)
    if series == 0 then
      ssthresh = math.min(cap, okLevel)
      okLevel = 0
    end
    series = 1
    lastCutAt = now
    trace(KEYS[3], cap, '429')
  end
elseif outcome == 'unreachable' and health ~= 'down' then
  local failures, streakAt, items = tonumber(h[3]) or 0, tonumber(h[4]) or 0, h[5] or ''
  if failures == 0 or now - streakAt > windowMs then
    failures, streakAt, items = 0, now, ''
  end
  failures = failures + 1
  local count, seen = 0, false
  for id in string.gmatch(items, '[^|]+') do
    count = count + 1
    if id == requester then seen = true end
  end
  if not seen and count < minItems then
    items = items .. requester .. '|'
    count = count + 1
  end
  if failures >= threshold and count >= minItems then
    guarded_move(HK, 'down', nil)
    health = 'down'
    event = 'down'
    redis.call('HSET', HK, 'downSince', now, 'sentWhileDown', 0, 'failures', 0, 'streakItems', '')
    redis.call('HINCRBY', HK, 'outages', 1)
    schedule_probe(0)
    -- The level the endpoint worked at: recovery slow-starts back to it from the floor.
    if okLevel > 0 then ssthresh = math.min(cap, okLevel) else ssthresh = cap end
    okLevel = 0
    series = 0
    trace(KEYS[3], cap, 'down')
  else
    redis.call('HSET', HK, 'failures', failures, 'streakAt', streakAt, 'streakItems', items, 'lastFailureAt', now)
  end
elseif health == 'down' and isProbe then
  schedule_probe((tonumber(h[6]) or 0) + 1)
  event = 'probe-failed'
end
redis.call('HSET', KEYS[1], 'cap', cap, 'successes', successes, 'lastCutAt', lastCutAt, 'pausedUntil', pausedUntil, 'ssthresh', ssthresh, 'cutSeries', series, 'okLevel', okLevel)
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('PEXPIRE', KEYS[3], ttl)
redis.call('PEXPIRE', HK, ttl)
local d = redis.call('HMGET', HK, 'downSince', 'nextProbeAt')
return {cap, pausedUntil, event, health, tonumber(d[1]) or 0, tonumber(d[2]) or 0}
`;
