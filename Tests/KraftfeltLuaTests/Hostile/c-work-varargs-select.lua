-- expect: instruction limit
-- message: instruction limit exceeded
-- select(i, ...) copies every argument after i, in C: over 200,000 arguments that is
-- 2e10 copies with a few instructions each. select is charged for what it returns.
local function walk(...)
  local n = select("#", ...)
  for i = 1, n do local v = select(i, ...) end
end
walk(table.unpack({}, 1, 200000))
