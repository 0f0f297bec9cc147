-- Of a batch, the items that no producer has enqueued and no worker has finished; returns their positions.
local fresh = {}
if redis.call('HGET', KEYS[3], 'state') == 'published' then return fresh end
for i, index in ipairs(ARGV) do
  if redis.call('GETBIT', KEYS[2], index) == 0 and redis.call('GETBIT', KEYS[1], index) == 0 then
    table.insert(fresh, i - 1)
  end
end
return fresh
