-- expect: 34-missing-english-label.lua:8:19: error: 's:timer': the text has Danish (da) but no English (en)
-- A timer's label in Danish only.
return kf.exercise {
  id = "label",
  title = { da = "Tid", en = "Time" },
  minutes = 5,
  run = function(s)
    s:timer("3m", { da = "Samtale" })
  end,
}
