-- expect: 06-misspelt-chart-field.lua:9:38: error: 's:show': 'answer' is not a chart field: did you mean 'answers'?
-- answer instead of answers in a chart.
return kf.exercise {
  id = "chart",
  title = { da = "Diagram", en = "Chart" },
  minutes = 5,
  run = function(s)
    local answers = s:ask(s.everyone, { da = "Hvor godt?", en = "How well?", kind = "scale", time = "1m" })
    s:show({ chart = "distribution", answer = answers, min = 1, max = 5 }, "screen")
  end,
}
