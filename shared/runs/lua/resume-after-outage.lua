-- Resumes a run paused for an outage (and only such a run) to the state it was paused in.
-- Runs after the state machine prelude (guarded_move, only_from).
if redis.call('HGET', KEYS[1], 'state') ~= 'paused' or redis.call('HGET', KEYS[1], 'pauseCause') ~= 'outage' then return 'skipped' end
return (guarded_move(KEYS[1], redis.call('HGET', KEYS[1], 'resumeState') or 'running', nil))
