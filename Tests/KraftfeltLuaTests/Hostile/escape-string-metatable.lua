-- expect: runtime
-- message: attempt to index a boolean value
getmetatable("").__index.rep = function() return "pwned" end
