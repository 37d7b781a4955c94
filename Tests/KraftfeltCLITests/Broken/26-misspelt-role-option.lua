-- expect: 26-misspelt-role-option.lua:8:61: error: 's:set_role': 'listen_onyl' is not an option: did you mean 'listen_only'?
-- listen_onyl instead of listen_only.
return kf.exercise {
  id = "role",
  title = { da = "Rolle", en = "Role" },
  minutes = 5,
  run = function(s)
    s:set_role(s.everyone, { da = "Lyt", en = "Listen" }, { listen_onyl = true })
    s:timer("1m", { da = "Lyt", en = "Listen" })
  end,
}
