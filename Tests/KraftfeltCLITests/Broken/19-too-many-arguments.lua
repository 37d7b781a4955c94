-- expect: 19-too-many-arguments.lua:8:7: error: 's:timer' takes 1 to 2 arguments, got 3
-- s:timer given three arguments.
return kf.exercise {
  id = "many",
  title = { da = "Tid", en = "Time" },
  minutes = 5,
  run = function(s)
    s:timer("3m", { da = "Samtale", en = "Conversation" }, "screen")
  end,
}
