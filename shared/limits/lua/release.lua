-- Reports how requests ended: one or more reports, applied in order exactly as that many calls one after another
-- would (at one Redis time). Runs after limiter-common.lua and the health state machine prelude; expects
-- DECREASE_FACTOR and RATE_LIMITED_QUIET_MS (constants of limiter-scripts.ts / endpoint-health-states.ts).
-- KEYS: state, leases, trajectory, health. ARGV: minConcurrency, maxConcurrency, tokensPerMinute, ttlMs,
-- failureThreshold, minItems, windowMs, probeInitialMs, probeMaxMs, then per report REPORT_ARGS values: leaseId,
-- outcome, acquiredAt, tokenRefund (reserved - used; negative when the request used more than it reserved),
-- retryAfterMs, requester (the item, for the distinct-items rule; '' = the lease id), random in [0, 1) (probe jitter).
--
-- Outcomes: ok (success) | rate-limited (429) | unreachable (connection error, timeout, 502/503/504) | answered (the
-- server answered with another error status) | failed (anything else: says nothing about the server).
-- Any answer (ok, answered, rate-limited) ends an outage and the current run of failures; `unreachable` lengthens
-- the run (within windowMs of its first failure, else starts a new one) and marks the endpoint down once it has
-- failureThreshold failures from minItems different items. A failed probe (unreachable or failed) schedules the
-- next one.
-- Returns, per report, {cap, pausedUntil, event, state, downSince, nextProbeAt} as they were after it: event is '' or
-- the health change that report made: down | recovered | rate-limited | healthy | probe-failed.
--
-- However many reports, the common case (successes on a healthy endpoint) costs one read per hash and one write, of
-- the state hash: writes are gathered and sent once at the end. Expiry is renewed by acquires; here only for a key
-- this creates.
local minC, maxC, tpm, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local threshold, minItems, windowMs = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local probeInitial, probeMax = tonumber(ARGV[8]), tonumber(ARGV[9])
local FIRST = 10

-- The reports' leases: which are still held (a lease that lapsed was pruned by an acquire), then all released at once.
local leaseIds = {}
for i = FIRST, #ARGV, REPORT_ARGS do leaseIds[#leaseIds + 1] = ARGV[i] end
local held = redis.call('ZMSCORE', KEYS[2], unpack(leaseIds))
redis.call('ZREM', KEYS[2], unpack(leaseIds))
-- Requests in flight once every report's lease is released; report k saw those plus the later reports' held leases.
local inflightAfter = nil
local heldLater = {}
local later = 0
for k = #leaseIds, 1, -1 do
  heldLater[k] = later
  if held[k] then later = later + 1 end
end

local s = redis.call('HMGET', KEYS[1], 'cap', 'successes', 'lastCutAt', 'pausedUntil', 'tokLevel', 'tokAt', 'ssthresh', 'cutSeries', 'okLevel')
local cap = clampCap(tonumber(s[1]) or maxC, minC, maxC)
local successes = tonumber(s[2]) or 0
local lastCutAt = tonumber(s[3]) or 0
local pausedUntil = tonumber(s[4]) or 0
local ssthresh = tonumber(s[7]) or 0
local series = tonumber(s[8]) or 0
local okLevel = tonumber(s[9]) or 0
local tok, tokCapacity = nil, nil
if tpm > 0 and s[5] then tok, tokCapacity = level(tonumber(s[5]), tonumber(s[6]), tpm) end
local refunded = false
-- Set by a success: written with the state hash (written by every call), not the health hash (written on a change).
local succeededAt = nil

local HK = KEYS[4]
local h = redis.call('HMGET', HK, 'state', 'probeLease', 'failures', 'streakAt', 'streakItems', 'probes', 'last429At', 'downSince', 'nextProbeAt')
if not h[1] then
  -- The first report on this endpoint (or its state expired): it starts healthy.
  redis.call('HSET', HK, 'state', 'healthy', 'since', now)
  redis.call('PEXPIRE', HK, ttl)
end
local health = h[1] or 'healthy'
local probeLease = h[2]
local failuresNow, streakAtNow, streakItemsNow = tonumber(h[3]) or 0, tonumber(h[4]) or 0, h[5] or ''
local probes = tonumber(h[6]) or 0
local last429At = tonumber(h[7]) or 0
local downSince = tonumber(h[8]) or 0
local nextProbeAt = tonumber(h[9]) or 0
-- Fields of the health hash written at the end, in one HSET (a later value of a field overrides an earlier one).
local healthFields = {}
local function put(field, value)
  healthFields[#healthFields + 1] = field
  healthFields[#healthFields + 1] = value
end
local event = ''

-- The server answered: the outage (if any) is over; to is healthy, or rate-limited for a 429.
local function recover(to)
  guarded_move(HK, to, nil)
  if downSince > 0 then put('lastDownFrom', downSince) else put('lastDownFrom', now) end
  put('lastDownUntil', now)
  redis.call('HDEL', HK, 'downSince', 'probes', 'nextProbeAt', 'probeLease', 'probeUntil')
  downSince, nextProbeAt, probes, probeLease = 0, 0, 0, nil
  cap = minC
  successes = 0
  series = 0
  trace(KEYS[3], cap, 'recovered', ttl)
  health = to
  event = 'recovered'
end
local function schedule_probe(failedProbes, random)
  probes = failedProbes
  nextProbeAt = now + math.floor(nominal_delay(failedProbes, probeInitial, probeMax) * (0.5 + 0.5 * random) + 0.5)
  redis.call('HSET', HK, 'probes', failedProbes, 'nextProbeAt', nextProbeAt)
  redis.call('HDEL', HK, 'probeLease', 'probeUntil')
  probeLease = nil
end

local function report(k, leaseId, outcome, acquiredAt, refund, retryAfter, requester, random)
  if requester == '' then requester = leaseId end
  local isProbe = probeLease == leaseId
  event = ''
  if tok ~= nil and refund ~= 0 then
    tok = tok + refund
    if tok > tokCapacity then tok = tokCapacity end
    refunded = true
  end
  if outcome == 'ok' or outcome == 'answered' or outcome == 'rate-limited' then
    -- Only when there is a run of failures to end (the common case has none: no write).
    if failuresNow ~= 0 or streakItemsNow ~= '' then
      failuresNow, streakItemsNow = 0, ''
      put('failures', 0)
      put('streakItems', '')
    end
  end
  if outcome == 'ok' or outcome == 'answered' then
    if health == 'down' then
      recover('healthy')
    elseif health == 'rate-limited' and outcome == 'ok' and now - last429At >= RATE_LIMITED_QUIET_MS then
      guarded_move(HK, 'healthy', nil)
      health = 'healthy'
      event = 'healthy'
    end
  end
  if outcome == 'ok' then
    succeededAt = now
    successes = successes + 1
    -- Only a request sent under the current cap says something about it; one sent before the last cut does not (as
    -- for 429s). Such a success ends a series of cuts, and the requests in flight with it are a level that worked.
    local current = acquiredAt >= lastCutAt
    if current then
      series = 0
      if inflightAfter == nil then inflightAfter = redis.call('ZCARD', KEYS[2]) end
      local inflight = inflightAfter + heldLater[k] + 1
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
    last429At = now
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
    local failures, streakAt, items = failuresNow, streakAtNow, streakItemsNow
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
      failuresNow, streakItemsNow = 0, ''
      -- Written at once, and queued too, so an earlier report's queued streak fields cannot override them.
      redis.call('HSET', HK, 'downSince', now, 'sentWhileDown', 0, 'failures', 0, 'streakItems', '')
      put('failures', 0)
      put('streakItems', '')
      redis.call('HINCRBY', HK, 'outages', 1)
      schedule_probe(0, random)
      -- The level the endpoint worked at: recovery slow-starts back to it from the floor.
      if okLevel > 0 then ssthresh = math.min(cap, okLevel) else ssthresh = cap end
      okLevel = 0
      series = 0
      trace(KEYS[3], cap, 'down', ttl)
    else
      failuresNow, streakAtNow, streakItemsNow = failures, streakAt, items
      put('failures', failures)
      put('streakAt', streakAt)
      put('streakItems', items)
      put('lastFailureAt', now)
    end
  elseif health == 'down' and isProbe then
    schedule_probe(probes + 1, random)
    event = 'probe-failed'
  end
  return {cap, pausedUntil, event, health, downSince, nextProbeAt}
end

local answers = {}
local k = 0
for i = FIRST, #ARGV, REPORT_ARGS do
  k = k + 1
  answers[k] = report(k, ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3]), tonumber(ARGV[i + 4]), ARGV[i + 5], tonumber(ARGV[i + 6]))
end
if #healthFields > 0 then redis.call('HSET', HK, unpack(healthFields)) end
local stateFields = {'cap', cap, 'successes', successes, 'lastCutAt', lastCutAt, 'pausedUntil', pausedUntil, 'ssthresh', ssthresh, 'cutSeries', series, 'okLevel', okLevel}
if succeededAt then
  stateFields[#stateFields + 1] = 'lastSuccessAt'; stateFields[#stateFields + 1] = succeededAt
end
if refunded then
  stateFields[#stateFields + 1] = 'tokLevel'; stateFields[#stateFields + 1] = tostring(tok)
  stateFields[#stateFields + 1] = 'tokAt'; stateFields[#stateFields + 1] = now
end
redis.call('HSET', KEYS[1], unpack(stateFields))
-- A state hash that expired during the requests (it lives a day idle; a lease far less) is recreated with its expiry.
if not s[1] then redis.call('PEXPIRE', KEYS[1], ttl) end
return answers
