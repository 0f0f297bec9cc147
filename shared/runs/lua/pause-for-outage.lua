-- Pauses a producing or running run because its endpoint has been down too long, once per outage: ARGV[1] names the
-- outage (its downSince), so a run resumed by hand during the same outage is not paused again. Returns the move's
-- outcome, or 'skipped'.
-- Runs after the state machine prelude (guarded_move, only_from).
if redis.call('HGET', KEYS[1], 'outagePausedFor') == ARGV[1] then return 'skipped' end
local outcome = guarded_move(KEYS[1], 'paused', only_from('producing,running'))
if outcome == 'ok' then redis.call('HSET', KEYS[1], 'pauseCause', 'outage', 'pauseDetail', ARGV[2], 'outagePausedFor', ARGV[1]) end
return outcome
