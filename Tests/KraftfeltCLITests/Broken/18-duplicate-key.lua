-- expect: 18-duplicate-key.lua:8:91: error: 's:ask': 'kind' is given twice in this table
-- The same field twice in one table.
return kf.exercise {
  id = "twice",
  title = { da = "To gange", en = "Twice" },
  minutes = 5,
  run = function(s)
    s:ask(s.everyone, { da = "Hvor godt?", en = "How well?", kind = "scale", time = "1m", kind = "text" })
  end,
}
