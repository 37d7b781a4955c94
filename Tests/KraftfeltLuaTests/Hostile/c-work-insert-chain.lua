-- expect: time limit
-- message: time limit exceeded
-- seconds: 1
-- table.insert on a table whose __index and __newindex lead through 1990 tables: every
-- element the C loop moves walks the chain in C. The loop charges each element, so the
-- deadline is checked as it goes (it ran 260 s, and finished, before).
local base = {}
local t = base
for i = 1, 1990 do local nxt = {} setmetatable(t, { __index = nxt, __newindex = nxt }) t = nxt end
local mt = getmetatable(base)
setmetatable(base, { __index = mt.__index, __newindex = mt.__newindex, __len = function() return 5000000 end })
table.insert(base, 1, "x")
return "finished"
