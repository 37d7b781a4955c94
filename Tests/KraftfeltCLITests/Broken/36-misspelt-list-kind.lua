-- expect: 36-misspelt-list-kind.lua:8:74: error: 's:ask': 'kind' must be one of text, choice, choices, scale, number, person, rank, vote, list, got "lists": did you mean "list"?
-- lists is not a kind of question; list is.
return kf.exercise {
  id = "listkind",
  title = { da = "Liste", en = "List" },
  minutes = 5,
  run = function(s)
    s:ask(s.everyone, { da = "Hvad hjælper?", en = "What helps?", kind = "lists", time = "1m" })
  end,
}
