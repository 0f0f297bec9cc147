-- The moves of a state table (shared/state/state-machine.ts). Expects, defined before it: TRANSITIONS (state ->
-- set of states it may move to, generated from the table) and on_move(key, from, to), called after every move.

-- Parses a comma-separated narrowing argument ('' or nil = no narrowing) into a set of states.
local function only_from(list)
  if list == nil or list == '' then return nil end
  local set = {}
  for state in string.gmatch(list, '[^,]+') do set[state] = true end
  return set
end

-- Returns 'ok' (moved), 'already' (it is in `to`), or the state that refuses the move ('missing' when the record
-- does not exist), and as second value the state it came from. `only` (a set, or nil) narrows the table.
local function guarded_move(key, to, only)
  local from = redis.call('HGET', key, 'state')
  if not from then return 'missing', nil end
  if from == to then return 'already', from end
  local edges = TRANSITIONS[from]
  if edges == nil or not edges[to] then return from, from end
  if only ~= nil and not only[from] then return from, from end
  redis.call('HSET', key, 'state', to)
  on_move(key, from, to)
  return 'ok', from
end
