-- expect: 16-unknown-kind.lua:8:69: error: 's:ask': 'kind' must be one of text, choice, choices, scale, number, person, rank, vote, list, got "scales": did you mean "scale"?
-- scales is not a kind of question.
return kf.exercise {
  id = "kind",
  title = { da = "Skala", en = "Scale" },
  minutes = 5,
  run = function(s)
    s:ask(s.everyone, { da = "Hvor godt?", en = "How well?", kind = "scales", time = "1m" })
  end,
}
