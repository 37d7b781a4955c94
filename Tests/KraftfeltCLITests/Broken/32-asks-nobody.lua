-- expect: 32-asks-nobody.lua: error: with 1 person in 1 area: asks someone who is not there: ask 0 people (text, 1m): Er du der?
-- Asks a person made up in the script, who is never there.
return kf.exercise {
  id = "ghost",
  title = { da = "Spøgelse", en = "Ghost" },
  minutes = 5,
  run = function(s)
    s:ask({ id = "ghost", name = "Ghost" }, { da = "Er du der?", en = "Are you there?", time = "1m" })
  end,
}
