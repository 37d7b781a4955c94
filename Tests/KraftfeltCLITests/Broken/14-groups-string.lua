-- expect: 14-groups-string.lua:8:21: error: 's:groups': argument 1 'options' must be a table, got "3"
-- s:groups given a string, not a table of options.
return kf.exercise {
  id = "groups",
  title = { da = "Grupper", en = "Groups" },
  minutes = 5,
  run = function(s)
    s:show(s:groups("3"))
  end,
}
