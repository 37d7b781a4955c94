-- expect: instruction limit
-- message: c-work-utf8-scan.lua:7: instruction limit exceeded
-- utf8.codes skips runs of continuation bytes in C: its iterator is charged for the
-- bytes it passes.
local s = string.rep("\x80", 2^22)
while true do
  for _ in utf8.codes(s, true) do end
end
