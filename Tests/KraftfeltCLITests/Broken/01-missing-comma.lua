-- expect: 01-missing-comma.lua:6:3: error: '}' expected (to close '{' at line 3) near 'minutes'
-- A comma is missing between two fields.
return kf.exercise {
  id = "missing-comma",
  title = { da = "Komma", en = "Comma" }
  minutes = 5,
  run = function(s) s:timer("1m", { da = "Tal", en = "Talk" }) end,
}
