-- expect: runtime
-- message: c-work-call-chain-later.lua:8: attempt to call a table value (local 't')
-- The same chain, with __call added after setmetatable: the metatable Lua reads is a
-- sealed copy, so the addition has no effect.
local mt = {}
local t = setmetatable({}, mt)
mt.__call = t
return t(table.unpack({}, 1, 200000))
