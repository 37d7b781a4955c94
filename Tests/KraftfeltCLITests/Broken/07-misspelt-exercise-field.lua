-- expect: 07-misspelt-exercise-field.lua:7:3: error: 'kf.exercise': 'paramters' is not an exercise field: did you mean 'parameters'?
-- paramters instead of parameters.
return kf.exercise {
  id = "paramters",
  title = { da = "Runder", en = "Rounds" },
  minutes = 5,
  paramters = { rounds = { type = "integer", default = 3 } },
  run = function(s) s:timer("1m", { da = "Tal", en = "Talk" }) end,
}
