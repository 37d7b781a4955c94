-- expect: instruction limit
-- message: c-work-rep-empty.lua:5: instruction limit exceeded
-- string.rep("", math.maxinteger) copied nothing 9.2e18 times in C; now it is made at
-- once, and every call is charged, so a loop of them still ends.
while true do local s = string.rep("", math.maxinteger) end
