-- expect: 22-never-finishes.lua: error: with 1 person in 1 area: it never finishes: after 24 hours of session time the script still waits (a loop around s:timer or s:ask that never ends?)
-- A loop of timers that never ends.
return kf.exercise {
  id = "forever",
  title = { da = "Altid", en = "Forever" },
  minutes = 5,
  run = function(s)
    while true do
      s:timer("10m", { da = "Runde", en = "Round" })
    end
  end,
}
