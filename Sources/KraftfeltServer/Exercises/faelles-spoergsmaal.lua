-- Fælles spørgsmål og dialog: questions from the room, voted up, for the plenum.

return kf.exercise {
  id = "faelles-spoergsmaal",
  version = "1.0",
  title = { da = "Fælles spørgsmål og dialog", en = "Shared questions and dialogue" },
  summary = {
    da = "Alle stiller et spørgsmål, rummet stemmer, de tre største tages i plenum.",
    en = "Everyone asks a question, the room votes, the top three go to the plenum.",
  },
  indicators = {
    { id = "questions_asked", label = { da = "Spørgsmål stillet", en = "Questions asked" }, kind = "count" },
  },
  minutes = 15,
  run = function(s)
    local asked = s:ask(s.everyone, {
      da = "Hvilket spørgsmål vil du gerne have taget op i plenum?",
      en = "Which question would you like the plenum to take up?",
      kind = "text", time = "2m",
      bot_answers = {
        da = { "Hvordan måler vi effekt på tværs?", "Hvem ejer netværkets mål?", "Hvordan får vi borgerne med?",
               "Hvad gør vi, når krydspresset bliver for stort?", "Hvordan deler vi viden uden flere møder?" },
        en = { "How do we measure effect across areas?", "Who owns the network's goals?" },
      },
    })
    local options, seen = {}, {}
    for _, a in ipairs(asked) do
      if not seen[a.value] and #options < 20 then
        seen[a.value] = true
        options[#options + 1] = a.value
      end
    end
    if #options == 0 then return { top = {} } end

    local votes = s:ask(s.everyone, {
      da = "Stem på op til tre spørgsmål.", en = "Vote for up to three questions.",
      kind = "vote", options = options, time = "2m",
    })
    local count = {}
    for _, v in ipairs(votes) do
      for _, option in ipairs(v.value) do count[option] = (count[option] or 0) + 1 end
    end
    table.sort(options, function(a, b)
      if (count[a] or 0) ~= (count[b] or 0) then return (count[a] or 0) > (count[b] or 0) end
      return a < b
    end)
    local top = {}
    for i = 1, math.min(3, #options) do
      top[i] = ("%s (%d stemmer)"):format(options[i], count[options[i]] or 0)
    end
    s:show(top)
    s:measure("questions_asked", #asked)
    s:wait_for_trainer { da = "Dialog i plenum", en = "Dialogue in the plenum" }
    return { top = top }
  end,
}
