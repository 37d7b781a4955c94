-- class: 5, a script that writes storage without end: the session's storage budget ends it
-- error: hostile.lua:6: s:remember: the session's storage budget is spent: at most 10000 reads and writes of 16 MB in all
return kf.exercise { id = "hostile", title = { da = "Fjendtlig", en = "Hostile" }, minutes = 5,
  run = function(s)
    for i = 1, 20000 do
      s:remember("session", "k" .. i, i)
    end
  end }
