-- expect: runtime
-- message: error-name-caught.lua:7: clean: '__tostring' must return a string
-- A caught error's text shows no internal names: print and tostring are the sandbox's C
-- functions, not wrappers in Lua with lines of their own.
local ok, e = pcall(print, setmetatable({}, { __tostring = function() return {} end }))
assert(not ok and not e:find("prelude") and not e:find("raw"), e)
error("clean: " .. e)
