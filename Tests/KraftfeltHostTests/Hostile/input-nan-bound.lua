-- class: 1, a NaN bound (it compares false with everything)
-- error: hostile.lua:5: s:ask: 'min' must be a number from -1000000000000 to 1000000000000, got nan
return kf.exercise { id = "hostile", title = { da = "Fjendtlig", en = "Hostile" }, minutes = 5,
  run = function(s)
    s:ask(s.everyone, { da = "Tal?", en = "Number?", kind = "number", min = 0/0, max = 1 })
  end }
