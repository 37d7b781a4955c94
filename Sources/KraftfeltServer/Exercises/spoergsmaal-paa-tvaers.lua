-- Spørgsmål på tværs: everyone writes a question from their daily work that they
-- cannot solve alone, and is matched with a helper from another administrative area.
-- From the seed workshop: "fra krydspres til kraftfelt".

return kf.exercise {
  id = "spoergsmaal-paa-tvaers",
  version = "1.1",
  title = { da = "Spørgsmål på tværs", en = "A question across areas" },
  summary = {
    da = "Formulér et spørgsmål, du ikke kan løse alene, og få en hjælper fra et andet område.",
    en = "Write a question you cannot solve alone and get a helper from another area.",
  },
  indicators = {
    { id = "conversation_usefulness",
      label = { da = "Samtalens nytte (rummets gennemsnit, 1–5)", en = "How useful the conversation was (the room's mean, 1–5)" },
      kind = "number" },
  },
  minutes = 20,
  run = function(s)
    s:show {
      da = "Fra fokus på ét sted til et multipelt fokus – fra afventning til handling.",
      en = "From a single focus to many – from waiting to acting.",
    }
    local questions = s:ask(s.everyone, {
      da = "Formulér et spørgsmål fra din hverdag, som du ikke kan løse alene.",
      en = "Write a question from your daily work that you cannot solve alone.",
      kind = "text", time = "3m",
    })
    local pairs = s:match(questions, { helper = "other-area" })
    s:show(pairs)
    s:timer("10m", { da = "Samtale: hjælperen lytter og spørger ind", en = "Conversation: the helper listens and asks" })

    local across = 0
    for _, pair in ipairs(pairs) do
      if pair.across then across = across + 1 end
      if pair.helper then s:measure("cross_area_tie", pair.helper, pair.asker) end   -- for the report's network
    end
    s:measure("cross_area_ties", across)
    s:add("organisation", "cross_area_ties", across)   -- a running count, safe with workshops at once
    local ties = s:recall("organisation", "cross_area_ties")
    s:show { da = ("%d nye bånd på tværs – %d i alt i organisationen"):format(across, ties),
             en = ("%d new ties across areas – %d in the organisation so far"):format(across, ties) }

    local useful = s:ask(s.everyone, {
      da = "Hvor brugbar var samtalen for dit spørgsmål?", en = "How useful was the conversation for your question?",
      kind = "scale", min = 1, max = 5, time = "1m",
    })
    s:measure("conversation_usefulness", kf.mean(useful))
    return { pairs = #pairs, across = across }
  end,
}
