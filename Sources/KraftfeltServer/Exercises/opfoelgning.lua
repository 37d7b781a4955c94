-- Opfølgning: the goals people wrote in the buzz groups come back – from this session,
-- or from an earlier one (Summegrupper remembers each person's goal). Each person says
-- whom they will share their goal with, and how sure they are to act on it – the
-- start of "hold øje med din egen forandring" (keep track of your own change).

return kf.exercise {
  id = "opfoelgning",
  version = "1.1",
  title = { da = "Opfølgning på dit mål", en = "Following up your goal" },
  summary = {
    da = "Dit mål fra summegruppen: hvem deler du det med, og hvor sikker er du?",
    en = "Your goal from the buzz group: who will you share it with, and how sure are you?",
  },
  minutes = 5,
  run = function(s)
    local goals = {}
    for _, p in ipairs(s:participants()) do
      local goal = s:recall(p, "goal")
      if goal then goals[#goals + 1] = { person = p, goal = goal } end
    end
    if #goals == 0 then
      s:show { da = "Ingen mål fra summegrupperne at følge op på.", en = "No goals from the buzz groups to follow up." }
      return { shared = 0 }
    end
    local people = {}
    for _, goal in ipairs(goals) do people[#people + 1] = goal.person end
    s:show { da = ("%d mål fra summegrupperne"):format(#goals),
             en = ("%d goals from the buzz groups"):format(#goals) }

    local shared = s:ask(people, {
      da = "Hvem vil du dele dit mål med?", en = "Who will you share your goal with?",
      kind = "person", time = "1m",
    })
    local sure = s:ask(people, {
      da = "Hvor sikker er du på, at du handler på dit mål?", en = "How sure are you that you will act on your goal?",
      kind = "scale", min = 1, max = 5, time = "30s",
    })
    s:measure("goals_shared", #shared)
    for _, answer in ipairs(sure) do s:measure("goal_confidence", answer.value, answer.who) end
    -- Weeks later each person opens their follow-up code, sees their goal and answers again.
    s:follow_up {
      indicators = { "goal_acted_on", "experienced_effect", "strategy_contribution", "network_impact",
                     "citizen_participation", "colleagues_in_networks", "colleague_learning", "recognition",
                     "own_learning" },
      days = 42,
    }
    return { shared = #shared }
  end,
}
