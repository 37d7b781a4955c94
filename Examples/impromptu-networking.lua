-- Impromptu Networking (a Liberating Structure): rounds of pairs; in each round both
-- answer the same two questions, and nobody meets the same person twice.

return kf.exercise {
  id = "impromptu-networking",
  title = { da = "Impromptu networking", en = "Impromptu networking" },
  minutes = 20,
  parameters = { rounds = { type = "integer", default = 3 }, talk = { type = "duration", default = "4m" } },
  run = function(s)
    s:show {
      da = "Hvad håber du at få ud af i dag? Hvad kan du selv bidrage med?",
      en = "What do you hope to get out of today? What can you offer?",
    }
    for round, pairs in ipairs(s:rotations { rounds = s.params.rounds }) do
      s:show(pairs)
      s:timer(s.params.talk, { da = "Runde " .. round, en = "Round " .. round })
    end
    local patterns = s:ask(s.everyone, {
      da = "Hvilket mønster hørte du på tværs af samtalerne?", en = "What pattern did you hear across the talks?",
      time = "2m",
    })
    s:show(("%d mønstre"):format(#patterns))
    return { patterns = #patterns }
  end,
}
