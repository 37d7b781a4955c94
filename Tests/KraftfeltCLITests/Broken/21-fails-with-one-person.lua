-- expect: 21-fails-with-one-person.lua: error: with 1 person in 1 area: 21-fails-with-one-person.lua:9: attempt to index a nil value (field 'integer index')
-- Reads the second answer, which one person cannot give.
return kf.exercise {
  id = "second",
  title = { da = "Anden", en = "Second" },
  minutes = 5,
  run = function(s)
    local answers = s:ask(s.everyone, { da = "Dit navn?", en = "Your name?", time = "1m" })
    s:show({ da = "Anden: " .. answers[2].value, en = "Second: " .. answers[2].value })
  end,
}
