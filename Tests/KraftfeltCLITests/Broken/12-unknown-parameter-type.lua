-- expect: 12-unknown-parameter-type.lua:7:36: error: 'kf.exercise': parameter 'rounds': 'type' must be one of integer, number, string, boolean, duration, got "int": did you mean "integer"?
-- int is not a parameter type.
return kf.exercise {
  id = "int",
  title = { da = "Runder", en = "Rounds" },
  minutes = 5,
  parameters = { rounds = { type = "int", default = 3 } },
  run = function(s)
    for round = 1, s.params.rounds do s:timer("1m", { da = "Runde", en = "Round" }) end
  end,
}
