-- expect: 20-too-few-arguments.lua:8:7: error: 's:measure' takes 2 to 3 arguments, got 1
-- s:measure without its value.
return kf.exercise {
  id = "few",
  title = { da = "Måling", en = "Measure" },
  minutes = 5,
  run = function(s)
    s:measure("goals_set")
  end,
}
