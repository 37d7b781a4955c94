-- expect: instruction limit
-- message: c-work-slow-calls.lua:6: instruction limit exceeded
-- A loop of slow C calls, a few instructions each: each call is charged for the bytes
-- it works through, so the budget ends it long before the hook would.
local s = string.rep("x", 2^24)
while true do local u = s:upper() end
