-- expect: runtime
-- message: __gc metamethods are not allowed
-- A placeholder __gc marks the object for finalization; the function comes later.
local mt = { __gc = true }
setmetatable({}, mt)
mt.__gc = function() while true do end end
