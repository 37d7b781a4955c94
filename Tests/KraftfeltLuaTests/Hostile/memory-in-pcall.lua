-- expect: memory limit
-- message: memory limit exceeded
-- pcall catches "not enough memory", but the memory stays capped: the next
-- allocation outside the pcall (a new closure) fails for good.
local keep = {}
while true do
  pcall(function()
    while true do keep[#keep + 1] = string.rep("x", 1e6) .. #keep end
  end)
end
