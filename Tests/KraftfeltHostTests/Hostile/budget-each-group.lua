-- class: 3, one step that starts many flows: they share one budget, so the step ends at it
-- error: hostile.lua:6: instruction limit exceeded: the script ran more than 100000000 instructions without waiting
return kf.exercise { id = "hostile", title = { da = "Fjendtlig", en = "Hostile" }, minutes = 5,
  run = function(s)
    s:each_group(s:groups { size = 1 }, function(g)
      for i = 1, 40000000 do end
    end)
  end }
