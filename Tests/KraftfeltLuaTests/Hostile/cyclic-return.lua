-- expect: value
-- message: contains itself
local t = { name = "loop" }
t.self = t
return t
