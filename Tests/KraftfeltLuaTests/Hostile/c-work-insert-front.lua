-- expect: instruction limit
-- message: c-work-insert-front.lua:7: instruction limit exceeded
-- table.insert at the front of a long plain table shifts every element in C; it is
-- charged by the table's length.
local t = {}
for i = 1, 1000000 do t[i] = i end
while true do table.insert(t, 1, 0) end
