-- expect: memory limit
-- message: memory limit exceeded
-- C metamethods (rawlen, rawequal) inside the C sort: no VM instruction would ever run.
local t = setmetatable({}, { __len = function() return 2^31 - 2 end, __index = rawlen, __newindex = rawequal })
table.sort(t)
