-- class: 1, a script value that reached a Swift precondition (a ClosedRange with min above max)
-- error: hostile.lua:5: s:ask: 'max' must be a number above 'min', got 1 (min 10)
return kf.exercise { id = "hostile", title = { da = "Fjendtlig", en = "Hostile" }, minutes = 5,
  run = function(s)
    s:ask(s.everyone, { da = "Tal?", en = "Number?", kind = "number", min = 10, max = 1 })
  end }
