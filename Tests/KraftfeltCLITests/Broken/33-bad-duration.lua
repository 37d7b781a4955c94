-- expect: 33-bad-duration.lua:8:90: error: 's:ask': 'time' must be a duration like "3m", got "3 minutter"
-- A question's time that is not a duration.
return kf.exercise {
  id = "duration",
  title = { da = "Tid", en = "Time" },
  minutes = 5,
  run = function(s)
    s:ask(s.everyone, { da = "Hvad tager du med?", en = "What do you take away?", time = "3 minutter" })
  end,
}
