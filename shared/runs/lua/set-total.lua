-- Sets the total and moves a producing run on, in one step so it cannot overwrite a later state. A run paused while
-- producing will resume to running.
-- Runs after the state machine prelude (guarded_move, only_from).
redis.call('HSET', KEYS[1], 'total', ARGV[1])
local done = tonumber(redis.call('HGET', KEYS[1], 'done') or '0')
local complete = 0
if tonumber(ARGV[1]) == done then complete = 1 end
local target = 'running'
if complete == 1 then target = 'publishing' end
if guarded_move(KEYS[1], target, only_from('producing')) ~= 'ok' and redis.call('HGET', KEYS[1], 'resumeState') == 'producing' then
  redis.call('HSET', KEYS[1], 'resumeState', 'running')
end
return complete
