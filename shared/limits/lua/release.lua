-- Reports how a request ended. Runs after limiter-common.lua and the health state machine prelude; expects
-- DECREASE_FACTOR and RATE_LIMITED_QUIET_MS (constants of limiter-scripts.ts / endpoint-health-states.ts).
-- KEYS: state, leases, trajectory, health. ARGV: leaseId, outcome, acquiredAt, tokenRefund (reserved - used; negative
-- when the request used more than it reserved), retryAfterMs, minConcurrency, maxConcurrency, tokensPerMinute, ttlMs,
-- requester (the item, for the distinct-items rule; '' = the lease id), random in [0, 1) (probe jitter),
-- failureThreshold, minItems, windowMs, probeInitialMs, probeMaxMs.
--
-- Outcomes: ok (success) | rate-limited (429) | unreachable (connection error, timeout, 502/503/504) | answered (the
-- server answered with another error status) | failed (anything else: says nothing about the server).
-- Any answer (ok, answered, rate-limited) ends an outage and the current run of failures; `unreachable` lengthens
-- the run (within windowMs of its first failure, else starts a new one) and marks the endpoint down once it has
-- failureThreshold failures from minItems different items. A failed probe (unreachable or failed) schedules the
-- next one.
-- Returns {cap, pausedUntil, event, state, downSince, nextProbeAt}: event is '' or the health change this report
-- made: down | recovered | rate-limited | healthy | probe-failed.
--
-- The common case (a success on a healthy endpoint) costs one read and one write per hash: writes are gathered and
-- sent once at the end. Expiry is renewed by every acquire; here only for a key this report creates.
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
-- Fields of the state hash written at the end, in one HSET.
local stateFields = {}
if tpm > 0 and refund ~= 0 and s[5] then
  local tok, capacity = level(tonumber(s[5]), tonumber(s[6]), tpm)
  tok = tok + refund
  if tok > capacity then tok = capacity end
  stateFields = {'tokLevel', tostring(tok), 'tokAt', now}
end

local HK = KEYS[4]
local h = redis.call('HMGET', HK, 'state', 'probeLease', 'failures', 'streakAt', 'streakItems', 'probes', 'last429At', 'downSince', 'nextProbeAt')
if not h[1] then
  -- The first report on this endpoint (or its state expired): it starts healthy.
  redis.call('HSET', HK, 'state', 'healthy', 'since', now)
  redis.call('PEXPIRE', HK, ttl)
  h[1] = 'healthy'
end
local health = h[1]
local isProbe = h[2] == leaseId
local downSince = tonumber(h[8]) or 0
local nextProbeAt = tonumber(h[9]) or 0
local event = ''
-- Fields of the health hash written at the end, in one HSET.
local healthFields = {}
local function put(field, value)
  healthFields[#healthFields + 1] = field
  healthFields[#healthFields + 1] = value
end

-- The server answered: the outage (if any) is over; to is healthy, or rate-limited for a 429.
local function recover(to)
  guarded_move(HK, to, nil)
  put('lastDownFrom', h[8] or now)
  put('lastDownUntil', now)
  redis.call('HDEL', HK, 'downSince', 'probes', 'nextProbeAt', 'probeLease', 'probeUntil')
  downSince, nextProbeAt = 0, 0
  cap = minC
  successes = 0
  series = 0
  trace(KEYS[3], cap, 'recovered', ttl)
  health = to
  event = 'recovered'
end
local function schedule_probe(failedProbes)
  nextProbeAt = now + math.floor(nominal_delay(failedProbes, probeInitial, probeMax) * (0.5 + 0.5 * random) + 0.5)
  redis.call('HSET', HK, 'probes', failedProbes, 'nextProbeAt', nextProbeAt)
  redis.call('HDEL', HK, 'probeLease', 'probeUntil')
end

if outcome == 'ok' or outcome == 'answered' or outcome == 'rate-limited' then
  -- Only when there is a run of failures to end (the common case has none: no write).
  if (tonumber(h[3]) or 0) ~= 0 or (h[5] or '') ~= '' then
    put('failures', 0)
    put('streakItems', '')
  end
end
if outcome == 'ok' or outcome == 'answered' then
  if health == 'down' then
    recover('healthy')
  elseif health == 'rate-limited' and outcome == 'ok' and now - (tonumber(h[7]) or 0) >= RATE_LIMITED_QUIET_MS then
    guarded_move(HK, 'healthy', nil)
    health = 'healthy'
    event = 'healthy'
  end
end
if outcome == 'ok' then
  put('lastSuccessAt', now)
  successes = successes + 1
  -- Only a request sent under the current cap says something about it; one sent before the last cut does not (as
  -- for 429s). Such a success ends a series of cuts, and the requests in flight with it are a level that worked.
  local current = acquiredAt >= lastCutAt
  if current then
    series = 0
    local inflight = redis.call('ZCARD', KEYS[2]) + 1
    if inflight > okLevel then okLevel = inflight end
  end
  -- Slow start only on the word of a request sent under the current cap: stragglers must not regrow it mid-storm.
  if current and cap < ssthresh and cap < maxC then
    cap = cap + 1
    successes = 0
    trace(KEYS[3], cap, 'start', ttl)
  elseif successes >= cap and cap < maxC then
    cap = cap + 1
    successes = 0
    trace(KEYS[3], cap, 'up', ttl)
  elseif successes > cap then
    successes = cap
  end
elseif outcome == 'rate-limited' then
  put('last429At', now)
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
    cap = clampCap(math.floor(cap * DECREASE_FACTOR), minC, maxC)
    if series == 0 then
      ssthresh = math.min(cap, okLevel)
      okLevel = 0
    end
    series = 1
    lastCutAt = now
    trace(KEYS[3], cap, '429', ttl)
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
    downSince = now
    redis.call('HSET', HK, 'downSince', now, 'sentWhileDown', 0, 'failures', 0, 'streakItems', '')
    redis.call('HINCRBY', HK, 'outages', 1)
    schedule_probe(0)
    -- The level the endpoint worked at: recovery slow-starts back to it from the floor.
    if okLevel > 0 then ssthresh = math.min(cap, okLevel) else ssthresh = cap end
    okLevel = 0
    series = 0
    trace(KEYS[3], cap, 'down', ttl)
  else
    put('failures', failures)
    put('streakAt', streakAt)
    put('streakItems', items)
    put('lastFailureAt', now)
  end
elseif health == 'down' and isProbe then
  schedule_probe((tonumber(h[6]) or 0) + 1)
  event = 'probe-failed'
end
if #healthFields > 0 then redis.call('HSET', HK, unpack(healthFields)) end
for _, value in ipairs({'cap', cap, 'successes', successes, 'lastCutAt', lastCutAt, 'pausedUntil', pausedUntil, 'ssthresh', ssthresh, 'cutSeries', series, 'okLevel', okLevel}) do
  stateFields[#stateFields + 1] = value
end
redis.call('HSET', KEYS[1], unpack(stateFields))
-- A state hash that expired during the request (it lives a day idle; a lease far less) is recreated with its expiry.
if not s[1] then redis.call('PEXPIRE', KEYS[1], ttl) end
return {cap, pausedUntil, event, health, downSince, nextProbeAt}
