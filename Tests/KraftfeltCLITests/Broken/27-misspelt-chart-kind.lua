-- expect: 27-misspelt-chart-kind.lua:9:22: error: 's:show': 'chart' must be one of distribution, counts, before_after, ties, got "distrbution": did you mean "distribution"?
-- distrbution instead of distribution.
return kf.exercise {
  id = "chartkind",
  title = { da = "Diagram", en = "Chart" },
  minutes = 5,
  run = function(s)
    local answers = s:ask(s.everyone, { da = "Hvor godt?", en = "How well?", kind = "scale", time = "1m" })
    s:show({ chart = "distrbution", answers = answers })
  end,
}
