-- The one generic move of a record (after the guarded-move prelude). KEYS[1] the record, KEYS[2..] deleted with the
-- move. ARGV[1] target state, ARGV[2] narrowing ('' = none), ARGV[3..] field, value pairs written with the move.
local outcome = guarded_move(KEYS[1], ARGV[1], only_from(ARGV[2]))
if outcome == 'ok' then
  if #ARGV > 2 then redis.call('HSET', KEYS[1], unpack(ARGV, 3)) end
  for i = 2, #KEYS do redis.call('DEL', KEYS[i]) end
end
return outcome
