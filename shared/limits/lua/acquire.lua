-- Admits a batch of waiting requests in order, as many as the limits allow (one round trip for a process's whole
-- queue when nothing is throttled). Runs after limiter-common.lua and the health state machine prelude.
-- KEYS: state, leases, health. ARGV: leaseMs, minConcurrency, maxConcurrency, requestsPerMinute (0 = none),
-- tokensPerMinute (0 = none), ttlMs, probeInitialMs, probeMaxMs, then leaseId, tokenCost pairs.
-- Returns {granted (how many of the batch, from the front), waitMs, why, cap, now, downSince, retryAt}: why is
-- granted | paused | concurrency | requests | tokens (what stopped the batch), waitMs how long until that could change
-- (0 = poll). While the endpoint is down, why is `probe` when the first request of the batch is admitted as the one
-- probe (no other limit applies to it), else `down`, with retryAt the earliest the next probe can be due (the batch
-- is then refused: its items park instead of waiting in a worker).
-- Acquires renew the endpoint's keys' expiry (ttlMs idle), so release.lua need not: at most once a minute (a quarter
-- of ttlMs if that is shorter; `renewedAt` in the state hash), not on every call, and always for a key the call creates.
local leaseMs, minC, maxC = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local rpm, tpm, ttl = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local probeInitial, probeMax = tonumber(ARGV[7]), tonumber(ARGV[8])
local s = redis.call('HMGET', KEYS[1], 'cap', 'pausedUntil', 'reqLevel', 'reqAt', 'tokLevel', 'tokAt', 'renewedAt')
local cap = clampCap(tonumber(s[1]) or maxC, minC, maxC)
local renew = not s[1] or now - (tonumber(s[7]) or 0) >= math.min(60000, math.floor(ttl / 4))
local h = redis.call('HMGET', KEYS[3], 'state', 'nextProbeAt', 'probeLease', 'probeUntil', 'downSince', 'probes')
if h[1] and renew then redis.call('PEXPIRE', KEYS[3], ttl) end
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
-- An empty sorted set does not exist: a ZADD now creates the key, without an expiry.
local leasesExist = inflight > 0
local req, tok, tokCapacity
if rpm > 0 then req = level(tonumber(s[3]), tonumber(s[4]), rpm) end
if tpm > 0 then tok, tokCapacity = level(tonumber(s[5]), tonumber(s[6]), tpm) end
local granted, waitMs, why = 0, 0, 'granted'
local leases = {}
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
  leases[#leases + 1] = now + leaseMs
  leases[#leases + 1] = leaseId
  inflight = inflight + 1
  granted = granted + 1
end
-- One write per key, however many were granted.
if granted > 0 then
  redis.call('ZADD', KEYS[2], unpack(leases))
  if renew or not leasesExist then redis.call('PEXPIRE', KEYS[2], ttl) end
end
local fields = {}
-- The stored cap is rewritten only when clamping changed it (the limits of this call differ from the last ones).
if cap ~= tonumber(s[1]) then fields[#fields + 1] = 'cap'; fields[#fields + 1] = cap end
if req ~= nil then
  fields[#fields + 1] = 'reqLevel'; fields[#fields + 1] = tostring(req)
  fields[#fields + 1] = 'reqAt'; fields[#fields + 1] = now
end
if tok ~= nil then
  fields[#fields + 1] = 'tokLevel'; fields[#fields + 1] = tostring(tok)
  fields[#fields + 1] = 'tokAt'; fields[#fields + 1] = now
end
if renew then
  fields[#fields + 1] = 'renewedAt'; fields[#fields + 1] = now
end
if #fields > 0 then redis.call('HSET', KEYS[1], unpack(fields)) end
if renew then redis.call('PEXPIRE', KEYS[1], ttl) end
return {granted, waitMs, why, cap, now, 0, 0}
