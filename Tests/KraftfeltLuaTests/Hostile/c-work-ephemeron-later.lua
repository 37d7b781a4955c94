-- expect: instruction limit
-- message: instruction limit exceeded
-- The chain again, with __mode added after setmetatable: no effect (the metatable Lua
-- reads is sealed), so the table stays strong and collections stay linear; the script
-- runs until its budget ends it, without a long pause anywhere.
-- (The chain is built while collections run, and they stay fast.)
local mt = {}
local weak = setmetatable({}, mt)
mt.__mode = "k"
local first = {}
local key = first
for i = 1, 300000 do
  local nextkey = {}
  weak[key] = nextkey
  key = nextkey
end
while true do end
