-- expect: 31-misspelt-match-option.lua:9:33: error: 's:match': 'helpr' is not an option: did you mean 'helper'?
-- helpr instead of helper.
return kf.exercise {
  id = "helpr",
  title = { da = "Match", en = "Match" },
  minutes = 5,
  run = function(s)
    local questions = s:ask(s.everyone, { da = "Dit spørgsmål?", en = "Your question?", time = "2m" })
    s:show(s:match(questions, { helpr = "anyone" }))
  end,
}
