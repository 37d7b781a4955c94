-- expect: runtime
-- message: tostring-error-recursion.lua:6: (error object is a table value; its __tostring failed: tostring-error-recursion.lua:5: (error object is a table value))
-- Describing the error raises another such error: described one level deep only.
local mt = {}
mt.__tostring = function() error(setmetatable({}, mt)) end
error(setmetatable({}, mt))
