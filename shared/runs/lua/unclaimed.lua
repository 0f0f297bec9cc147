-- Of a batch, the items that no producer has enqueued and no worker has finished; returns their positions.
-- KEYS: done bitmap, enqueued bitmap, run. ARGV: indices. One BITFIELD_RO per bitmap per 1000 items (Lua's unpack
-- takes a few thousand values at most), not a GETBIT per item.
local fresh = {}
if redis.call('HGET', KEYS[3], 'state') == 'published' then return fresh end
for first = 1, #ARGV, 1000 do
  local last = math.min(first + 999, #ARGV)
  local gets = {}
  for i = first, last do
    gets[#gets + 1] = 'GET'; gets[#gets + 1] = 'u1'; gets[#gets + 1] = ARGV[i]
  end
  local enqueued = redis.call('BITFIELD_RO', KEYS[2], unpack(gets))
  local done = redis.call('BITFIELD_RO', KEYS[1], unpack(gets))
  for i = first, last do
    if enqueued[i - first + 1] == 0 and done[i - first + 1] == 0 then table.insert(fresh, i - 1) end
  end
end
return fresh
