-- expect: 15-time-number.lua:8:90: error: 's:ask': 'time' must be a duration like "3m", got 3
-- A question's time as a number.
return kf.exercise {
  id = "time",
  title = { da = "Tid", en = "Time" },
  minutes = 5,
  run = function(s)
    s:ask(s.everyone, { da = "Hvad tager du med?", en = "What do you take away?", time = 3 })
  end,
}
