-- expect: instruction limit
-- message: table-sort-metamethods.lua:6: instruction limit exceeded
-- C metamethods (rawlen, rawequal) inside the C sort: no VM instruction would ever run.
-- The sort charges the elements it copies out before it starts.
local t = setmetatable({}, { __len = function() return 2^31 - 2 end, __index = rawlen, __newindex = rawequal })
table.sort(t)
