-- class: 1, a group size that is not a size
-- error: hostile.lua:5: s:groups: 'size' must be like "2-4" or a number, got "4-2"
return kf.exercise { id = "hostile", title = { da = "Fjendtlig", en = "Hostile" }, minutes = 5,
  run = function(s)
    s:groups { size = "4-2" }
  end }
