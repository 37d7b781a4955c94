-- class: 2, a loop of slow C calls between two ticks of the hook: each call is charged
-- error: hostile.lua:6: instruction limit exceeded: the script ran more than 100000000 instructions without waiting
return kf.exercise { id = "hostile", title = { da = "Fjendtlig", en = "Hostile" }, minutes = 5,
  run = function(s)
    local big = string.rep("x", 2^24)
    while true do local u = big:upper() end
  end }
