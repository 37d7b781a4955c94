-- expect: 28-undeclared-parameter.lua:9:29: error: 'rouns' is not a parameter of this exercise: did you mean 'rounds'?
-- s.params.rouns instead of s.params.rounds.
return kf.exercise {
  id = "rouns",
  title = { da = "Runder", en = "Rounds" },
  minutes = 5,
  parameters = { rounds = { type = "integer", default = 3 } },
  run = function(s)
    for round = 1, s.params.rouns do s:timer("1m", { da = "Runde", en = "Round" }) end
  end,
}
