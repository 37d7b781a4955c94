-- expect: 04-misspelt-group-option.lua:8:31: error: 's:groups': 'szie' is not an option: did you mean 'size'?
-- szie instead of size.
return kf.exercise {
  id = "szie",
  title = { da = "Grupper", en = "Groups" },
  minutes = 5,
  run = function(s)
    local groups = s:groups { szie = 3 }
    s:show(groups)
  end,
}
