-- expect: instruction limit
-- message: instruction limit exceeded
-- table.insert with C metamethods (rawequal): each call of a C function a script can
-- reach is charged, and so is each element the loop moves.
local t = setmetatable({}, { __index = rawequal, __newindex = rawequal, __len = function() return 95000000 end })
table.insert(t, 1, "x")
return "finished"
