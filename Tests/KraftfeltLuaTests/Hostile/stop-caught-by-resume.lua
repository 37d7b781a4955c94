-- expect: instruction limit
-- message: instruction limit exceeded
-- The stop is raised in a coroutine; resume catches it, but the script still ends.
local ok, err = coroutine.resume(coroutine.create(function() while true do end end))
return "finished normally", ok, err
