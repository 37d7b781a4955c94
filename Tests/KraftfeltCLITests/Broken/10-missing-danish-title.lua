-- expect: 10-missing-danish-title.lua:5:11: error: 'kf.exercise': the text has English (en) but no Danish (da)
-- A title in English only.
return kf.exercise {
  id = "danish",
  title = { en = "Question" },
  minutes = 5,
  run = function(s) s:timer("1m", { da = "Tal", en = "Talk" }) end,
}
