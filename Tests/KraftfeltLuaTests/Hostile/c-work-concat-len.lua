-- expect: instruction limit
-- message: c-work-concat-len.lua:5: instruction limit exceeded
-- __len makes table.concat walk math.maxinteger elements, each from a C __index; the
-- range is charged before the walk starts.
local t = setmetatable({}, { __len = function() return math.maxinteger end, __index = function() return "x" end })
local ok = true
return table.concat(t)
