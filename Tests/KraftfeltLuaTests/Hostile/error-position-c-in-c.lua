-- expect: runtime
-- message: error-position-c-in-c.lua:5: '__tostring' must return a string
-- An error raised by C called from C (string.format calling a __tostring) has no position
-- of its own: the host names the script's line.
return string.format("%s", setmetatable({}, { __tostring = function() return {} end }))
