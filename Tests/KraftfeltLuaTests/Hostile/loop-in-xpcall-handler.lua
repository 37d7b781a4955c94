-- expect: instruction limit
-- message: instruction limit exceeded
-- The limit error is raised from the count hook; stock Lua then runs the message
-- handler with hooks switched off.
xpcall(function() while true do end end, function() while true do end end)
return "survived"
