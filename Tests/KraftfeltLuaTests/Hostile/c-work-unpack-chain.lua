-- expect: time limit
-- message: time limit exceeded
-- seconds: 1
-- table.unpack through the same kind of chain: charged per element as it reads.
local base = {}
local t = base
for i = 1, 1990 do local nxt = {} setmetatable(t, { __index = nxt }) t = nxt end
return select("#", table.unpack(base, 1, 990000))
