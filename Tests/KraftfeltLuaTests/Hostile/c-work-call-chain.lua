-- expect: runtime
-- message: c-work-call-chain.lua:6: setmetatable: '__call' must be a function, got a table
-- A __call that is the table itself, called with many arguments: Lua 5.4.4 shifts every
-- argument once per link of the chain, in C, for minutes.
local t = {}
setmetatable(t, { __call = t })
return t(table.unpack({}, 1, 200000))
