-- expect: memory limit
-- message: recursion-lua.lua:3: memory limit exceeded
local function f() return 1 + f() end
return f()
