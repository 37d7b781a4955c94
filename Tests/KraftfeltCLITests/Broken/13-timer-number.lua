-- expect: 13-timer-number.lua:8:13: error: 's:timer': argument 1 'duration' must be a duration like "3m", got 10
-- s:timer with a number of minutes, not a duration.
return kf.exercise {
  id = "timer",
  title = { da = "Tid", en = "Time" },
  minutes = 15,
  run = function(s)
    s:timer(10, { da = "Samtale", en = "Conversation" })
  end,
}
