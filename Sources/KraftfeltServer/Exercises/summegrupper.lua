-- Summegrupper: buzz groups of 2–4, mixed across areas, through the seed's four
-- prompts. The goal each person writes is returned, so a later exercise (or next
-- month's follow-up) can ask about it again.

local prompts = {
  { da = "Hvor vil den nye måde at organisere på udfordre dig mest?",
    en = "Where will the new way of organising challenge you most?" },
  { da = "Hvad kan du gøre for at overkomme det – gerne sammen med en kollega?",
    en = "What can you do to overcome it – ideally with a colleague?" },
  { da = "Sæt et mål for det første sted, du vil mærke en forandring i din praksis.",
    en = "Set a goal for the first place you will notice a change in your practice." },
  { da = "Hvem vil du dele målet med?",
    en = "Who will you share that goal with?" },
}

return kf.exercise {
  id = "summegrupper",
  version = "1.0",
  title = { da = "Summegrupper", en = "Buzz groups" },
  summary = {
    da = "Grupper på 2–4 på tværs af områder taler om fire spørgsmål og sætter hver et mål.",
    en = "Groups of 2–4 across areas talk through four prompts and each set a goal.",
  },
  indicators = {
    { id = "goals_set", label = { da = "Mål sat i summegrupperne", en = "Goals set in the buzz groups" },
      kind = "count" },
  },
  minutes = 20,
  run = function(s)
    local groups = s:groups { size = "2-4", mix = "areas" }
    s:show(groups)

    local perGroup = s:each_group(groups, function(g)
      local goals = {}
      for i, prompt in ipairs(prompts) do
        g:timer("4m", prompt)
        if i == 3 then
          local written = g:ask(g.everyone, {
            da = "Skriv dit mål ned.", en = "Write down your goal.", kind = "text", time = "1m",
            bot_answers = {
              da = { "Jeg vil invitere en kollega fra et andet område til vores næste møde.",
                     "Jeg vil dele min viden om vores borgere med netværket.",
                     "Jeg vil bruge fem minutter af hvert møde på et spørgsmål på tværs." },
              en = { "I will invite a colleague from another area to our next meeting.",
                     "I will share what I know about our citizens with the network." },
            },
          })
          for _, answer in ipairs(written) do
            goals[#goals + 1] = { who = answer.who.id, name = answer.who.name, area = answer.who.area,
                                  goal = answer.value }
            g:remember(answer.who, "goal", answer.value)   -- for next month's follow-up
            g:measure("goal", answer.value, answer.who)      -- and for the follow-up page
          end
        end
      end
      return goals
    end)

    local goals = {}
    for _, list in ipairs(perGroup) do
      for _, goal in ipairs(list) do goals[#goals + 1] = goal end
    end
    s:measure("goals_set", #goals)
    local areas = {}
    for _, goal in ipairs(goals) do areas[#areas + 1] = goal.area end
    s:show({ chart = "counts", values = areas,
             title = { da = "Mål sat, efter område", en = "Goals set, by area" } }, "screen")
    return { groups = #groups, goals = goals }
  end,
}
