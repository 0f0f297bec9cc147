-- on_move of the endpoint health state machine (endpoint-health-states.ts): `since` stamps every move with the Redis
-- clock (`now` is defined by limiter-common.lua, which runs first).
local function on_move(key, from, to)
  redis.call('HSET', key, 'since', now)
end
