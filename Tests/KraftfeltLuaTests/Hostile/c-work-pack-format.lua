-- expect: instruction limit
-- message: c-work-pack-format.lua:6: instruction limit exceeded
-- string.pack parses a 30 MB format in C and makes nothing of it (spaces): the format's
-- bytes are charged, not only what comes out.
local format = string.rep(" ", 30000000)
while true do string.pack(format) end
