-- expect: 03-unknown-kf-function.lua:9:28: error: 'kf.meen' is not a kf function: did you mean 'kf.mean'?
-- kf.meen is not a kf function.
return kf.exercise {
  id = "meen",
  title = { da = "Middel", en = "Mean" },
  minutes = 5,
  run = function(s)
    local answers = s:ask(s.everyone, { da = "Hvor godt?", en = "How well?", kind = "scale", time = "1m" })
    s:measure("effect", kf.meen(answers))
  end,
}
