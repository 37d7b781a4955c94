return kf.exercise {
  id = "1-2-4-all", title = { da = "1-2-4-alle", en = "1-2-4-All" }, minutes = 15,
  run = function(s)
    s:show { da = "Hvad ville gøre den største forskel for jer?", en = "What would make the biggest difference for you?" }
    s:timer("1m", { da = "1: tænk selv", en = "1: think alone" })
    local pairs = s:groups { size = 2 }
    s:show(pairs)
    s:each_group(pairs, function(g)
      g:timer("2m", { da = "2: del to og to", en = "2: share in pairs" })
    end)
    local fours = s:merge(pairs)
    s:show(fours)
    local ideas = s:each_group(fours, function(g)
      g:timer("4m", { da = "4: find mønstre", en = "4: look for patterns" })
      return g:ask(g.everyone, {
        da = "Jeres vigtigste idé", en = "Your group's key idea", time = "2m", together = true,
        bot_answers = { "Fælles møder", "Mere tid", "Korte veje", "Faste makkerpar" } })
    end)
    local options = kf.options(ideas)
    if #options == 0 then return { ideas = 0 } end
    local votes = s:ask(s.everyone, {
      da = "Hvilken idé vil du arbejde videre med?", en = "Which idea do you want to take forward?",
      kind = "vote", options = options, time = "2m" })
    s:show({ chart = "counts", answers = votes, options = options }, "screen")
    return { ideas = #options }
  end,
}
