-- expect: runtime
-- message: c-work-ephemeron.lua:6: setmetatable: weak tables (__mode) are not allowed in Kraftfelt scripts
-- A long chain of keys in a weak-keyed table: each collection converges the ephemeron
-- table once per link, in C (546 s). Weak tables are refused.
local keys = {}
local weak = setmetatable({}, { __mode = "k" })
for i = 1, 500000 do keys[i] = {} end
for i = 1, 499999 do weak[keys[i]] = keys[i + 1] end
