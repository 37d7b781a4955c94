-- expect: 09-missing-english.lua:8:23: error: 's:ask': the text has Danish (da) but no English (en)
-- A question with Danish text only.
return kf.exercise {
  id = "english",
  title = { da = "Spørgsmål", en = "Question" },
  minutes = 5,
  run = function(s)
    s:ask(s.everyone, { da = "Hvad tager du med?", time = "1m" })
  end,
}
