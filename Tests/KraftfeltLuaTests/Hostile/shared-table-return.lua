-- expect: value
-- message: is too large to leave Lua
-- A table shared at every level doubles at every level when copied out: 2^40 values.
local t = {}
for _ = 1, 40 do t = { t, t } end
return t
