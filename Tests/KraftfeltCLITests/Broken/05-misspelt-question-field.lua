-- expect: 05-misspelt-question-field.lua:8:83: error: 's:ask': 'tme' is not a question field: did you mean 'time'?
-- tme instead of time.
return kf.exercise {
  id = "tme",
  title = { da = "Spørgsmål", en = "Question" },
  minutes = 5,
  run = function(s)
    s:ask(s.everyone, { da = "Hvad tager du med?", en = "What do you take away?", tme = "1m" })
  end,
}
