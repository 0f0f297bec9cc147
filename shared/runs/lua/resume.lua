-- Resumes a paused run to the state it was paused in. 'already' for a run that is not paused but live.
-- Runs after the state machine prelude (guarded_move, only_from).
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'producing' or state == 'running' then return 'already' end
if state ~= 'paused' then return state or 'missing' end
return (guarded_move(KEYS[1], redis.call('HGET', KEYS[1], 'resumeState') or 'running', nil))
