-- expect: memory limit
-- message: memory limit exceeded
-- pcall catches "not enough memory", but a script that keeps failing at its
-- memory limit (three memory errors in a run) is stopped like any other limit.
local keep = {}
while true do
  pcall(function()
    while true do keep[#keep + 1] = string.rep("x", 1e6) .. #keep end
  end)
end
