-- expect: runtime
-- message: gc-metamethod.lua:5: setmetatable: __gc metamethods are not allowed in Kraftfelt scripts
-- Finalizers run with hooks off (during any allocation, and at close): refused.
local t = {}
setmetatable(t, { __gc = function() while true do end end })
