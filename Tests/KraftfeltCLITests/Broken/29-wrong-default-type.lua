-- expect: 29-wrong-default-type.lua:7:57: error: 'kf.exercise': parameter 'rounds': 'default' must be an integer, got "3"
-- An integer parameter with a text default.
return kf.exercise {
  id = "defaulttype",
  title = { da = "Runder", en = "Rounds" },
  minutes = 5,
  parameters = { rounds = { type = "integer", default = "3" } },
  run = function(s)
    for round = 1, s.params.rounds do s:timer("1m", { da = "Runde", en = "Round" }) end
  end,
}
