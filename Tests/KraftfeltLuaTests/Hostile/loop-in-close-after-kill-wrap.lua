-- expect: instruction limit
-- message: instruction limit exceeded
-- A coroutine killed from the hook is left with hooks off; coroutine.wrap then runs
-- its pending __close handlers.
local f = coroutine.wrap(function()
  local guard <close> = setmetatable({}, { __close = function() while true do end end })
  while true do end
end)
f()
