-- expect: runtime
-- message: bad argument #1 to 'setmetatable' (table expected, got string)
setmetatable("", {})
