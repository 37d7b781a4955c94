-- expect: 08-misspelt-parameter-field.lua:7:47: error: 'kf.exercise': parameter 'rounds': 'defualt' is not a parameter field: did you mean 'default'?
-- defualt instead of default.
return kf.exercise {
  id = "defualt",
  title = { da = "Runder", en = "Rounds" },
  minutes = 5,
  parameters = { rounds = { type = "integer", defualt = 3 } },
  run = function(s)
    for round = 1, s.params.rounds do s:timer("1m", { da = "Runde", en = "Round" }) end
  end,
}
