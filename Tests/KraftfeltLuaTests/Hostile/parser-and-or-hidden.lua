-- expect: runtime
-- message: parser-and-or-hidden.lua:9: load: the chunk has more than 20000 'and'/'or' operators; split long conditions up
-- A chain of 'or' hidden from a scan that follows strings: "\z" lets a string go on past
-- the end of the line, so a scanner that ends strings at newlines loses its place. The
-- check counts the words anywhere.
local parts = { "local x = \"\\z\n\" or a" }
for i = 1, 30000 do parts[#parts + 1] = " or a" end
local source = table.concat(parts)
return assert(load(source))
