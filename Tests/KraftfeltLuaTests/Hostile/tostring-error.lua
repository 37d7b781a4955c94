-- expect: runtime
-- message: (error object is a table value; its __tostring failed: tostring-error.lua:3: inside tostring)
error(setmetatable({}, { __tostring = function() error("inside tostring") end }))
