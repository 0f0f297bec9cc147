-- `s2d pause`: pauses a producing or running run; a run already paused for an outage stays paused, now by hand (the
-- endpoint recovering no longer resumes it).
-- Runs after the state machine prelude (guarded_move, only_from).
if redis.call('HGET', KEYS[1], 'state') == 'paused' then
  redis.call('HDEL', KEYS[1], 'pauseCause', 'pauseDetail')
  return 'already'
end
return (guarded_move(KEYS[1], 'paused', nil))
