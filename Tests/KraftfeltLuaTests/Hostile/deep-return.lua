-- expect: value
-- message: nested more than 100 levels deep
local root = {}
local node = root
for _ = 1, 500 do node[1] = {}; node = node[1] end
return root
