-- expect: instruction limit
-- message: table-insert-len.lua:5: instruction limit exceeded
-- __len makes the C table.insert shift 2^63 elements without the hook.
local t = setmetatable({}, { __len = function() return math.maxinteger - 1 end })
table.insert(t, 1, 0)
