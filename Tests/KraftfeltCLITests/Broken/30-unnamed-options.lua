-- expect: 30-unnamed-options.lua:8:23: error: 's:groups': the options must be named, like { size = … }
-- Group options given as a list.
return kf.exercise {
  id = "unnamed",
  title = { da = "Grupper", en = "Groups" },
  minutes = 5,
  run = function(s)
    s:show(s:groups { 3 })
  end,
}
