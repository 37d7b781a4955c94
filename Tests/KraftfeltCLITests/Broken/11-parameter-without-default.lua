-- expect: 11-parameter-without-default.lua:7:18: error: 'kf.exercise': parameter 'rounds' has no default
-- A parameter with no default.
return kf.exercise {
  id = "nodefault",
  title = { da = "Runder", en = "Rounds" },
  minutes = 5,
  parameters = { rounds = { type = "integer" } },
  run = function(s)
    for round = 1, s.params.rounds do s:timer("1m", { da = "Runde", en = "Round" }) end
  end,
}
