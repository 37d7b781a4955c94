-- expect: 02-unknown-session-function.lua:8:22: error: 's:groop' is not a session function: did you mean 's:groups'?
-- s:groop is not a session function.
return kf.exercise {
  id = "groop",
  title = { da = "Grupper", en = "Groups" },
  minutes = 5,
  run = function(s)
    local groups = s:groop { size = 3 }
    s:show(groups)
  end,
}
