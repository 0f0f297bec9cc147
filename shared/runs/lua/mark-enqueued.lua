-- Records that a producer put these items on the queue (ARGV: indices) and counts the new ones in `queued`.
-- KEYS: run, enqueued bitmap, done bitmap. One BITFIELD per bitmap per 1000 items (SET answers the old bits; Lua's
-- unpack takes a few thousand values at most), not a SETBIT and a GETBIT per item.
if redis.call('HGET', KEYS[1], 'state') == 'published' then return 0 end
local added = 0
for first = 1, #ARGV, 1000 do
  local last = math.min(first + 999, #ARGV)
  local sets, gets = {}, {}
  for i = first, last do
    sets[#sets + 1] = 'SET'; sets[#sets + 1] = 'u1'; sets[#sets + 1] = ARGV[i]; sets[#sets + 1] = 1
    gets[#gets + 1] = 'GET'; gets[#gets + 1] = 'u1'; gets[#gets + 1] = ARGV[i]
  end
  local was = redis.call('BITFIELD', KEYS[2], unpack(sets))
  local done = redis.call('BITFIELD_RO', KEYS[3], unpack(gets))
  for k = 1, last - first + 1 do
    if was[k] == 0 and done[k] == 0 then added = added + 1 end
  end
end
if added > 0 then redis.call('HINCRBY', KEYS[1], 'queued', added) end
return added
