-- expect: instruction limit
-- message: c-work-sort-c-comparator.lua:8: instruction limit exceeded
-- A C function as the comparison (math.ult): not one VM instruction runs inside the sort,
-- so the hook never fires while it sorts two million numbers. Each comparison is charged
-- (and a C comparison that works through its input, like utf8.len, charges that too).
local t = {}
for i = 1, 2000000 do t[i] = (i * 7919) % 2000000 end
table.sort(t, math.ult)
