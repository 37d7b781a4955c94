-- expect: memory limit
-- message: memory limit exceeded
local parts = {}
for i = 1, 1e8 do parts[i] = "abcdefghij" end
return #table.concat(parts)
