-- expect: value
-- message: is too large to leave Lua
local s = ("x"):rep(20e6)
local t = {}
for i = 1, 100 do t[i] = s end
return t
