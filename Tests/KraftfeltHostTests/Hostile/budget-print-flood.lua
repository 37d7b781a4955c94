-- class: 3, printing without end: the session's transcript has a cap
-- error: the session's transcript reached its limit of 16 MB; the script printed or showed more than one session can keep
return kf.exercise { id = "hostile", title = { da = "Fjendtlig", en = "Hostile" }, minutes = 5,
  run = function(s)
    local line = string.rep("x", 4000)
    for round = 1, 100 do
      for i = 1, 50 do print(line) end
      s:timer("1s")
    end
  end }
