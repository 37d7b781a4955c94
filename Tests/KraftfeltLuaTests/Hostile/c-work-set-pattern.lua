-- expect: instruction limit
-- message: c-work-set-pattern.lua:6: instruction limit exceeded
-- A character set of 20 million bytes: the matcher scans it whole for every character
-- it tries, in C. Each scan is charged by the set's size.
local set = "[" .. string.rep("a", 20000000) .. "]"
return string.find(string.rep("b", 5000), set)
