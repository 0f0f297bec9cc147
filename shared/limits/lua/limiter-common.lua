-- Prelude of the endpoint limiter's scripts (acquire.lua, release.lua). All times come from the Redis clock, so
-- workers with skewed clocks still share one budget. Expects BURST_SECONDS and TRAJECTORY_LENGTH (constants of
-- limiter-scripts.ts, prepended by the loader).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local burst = BURST_SECONDS

local function clampCap(cap, minC, maxC)
  if cap > maxC then cap = maxC end
  if cap < minC then cap = minC end
  return cap
end

-- A token bucket's level now (refilled continuously at perMin per minute, capped at its burst) and its capacity.
local function level(stored, at, perMin)
  local capacity = perMin * burst / 60
  if stored == nil then return capacity, capacity end
  local l = stored + (now - (at or now)) * perMin / 60000
  if l > capacity then l = capacity end
  return l, capacity
end

-- Appends a cap change to the trajectory list (the last TRAJECTORY_LENGTH) and keeps the list expiring with the rest.
local function trace(key, cap, why, ttl)
  redis.call('RPUSH', key, now .. ':' .. cap .. ':' .. why)
  redis.call('LTRIM', key, -TRAJECTORY_LENGTH, -1)
  redis.call('PEXPIRE', key, ttl)
end

-- The probe backoff after `probes` failed probes, before jitter.
local function nominal_delay(probes, initial, maxd)
  local d = initial * (2 ^ math.min(probes, 40))
  if d > maxd then d = maxd end
  return math.floor(d)
end
