-- expect: 17-duplicate-option.lua:10:38: error: 's:ask': 'options' has "Strategi" twice
-- The same option twice in a choice question.
return kf.exercise {
  id = "options",
  title = { da = "Valg", en = "Choice" },
  minutes = 5,
  run = function(s)
    s:ask(s.everyone, {
      da = "Hvilken?", en = "Which?", kind = "choice", time = "1m",
      options = { "Strategi", "Mål", "Strategi" },
    })
  end,
}
