-- expect: memory limit
-- message: table-sort-metamethods.lua:6: memory limit exceeded
-- C metamethods (rawlen, rawequal) inside the C sort: no VM instruction would ever run.
-- The sort copies the elements out one by one, each charged, until memory runs out.
local t = setmetatable({}, { __len = function() return 2^31 - 2 end, __index = rawlen, __newindex = rawequal })
table.sort(t)
