-- Idéer på tværs: each person is paired with a colleague from another area, they talk
-- about a task neither solves alone, and the room votes on the ideas (with the vote from
-- the Liberating Structures pack). The pairs across areas are the pack's indicator.
local rounds = require "org.liberatingstructures.core.rounds"

return kf.exercise {
  id = "ideer-paa-tvaers", title = { da = "Idéer på tværs", en = "Ideas across areas" }, minutes = 15,
  run = function(s)
    local tasks = s:ask(s.everyone, {
      da = "Hvilken opgave kunne du løse bedre med en kollega fra et andet område?",
      en = "Which task could you solve better with a colleague from another area?",
      kind = "text", time = "2m" })
    local pairs = s:match(tasks, { helper = "other-area" })
    s:show(pairs)
    s:timer("5m", { da = "Tal sammen om opgaven", en = "Talk about the task" })
    local across = 0
    for _, pair in ipairs(pairs) do
      if pair.across then across = across + 1 end
    end
    s:measure("ties_across_areas", across)
    local ideas = s:ask(s.everyone, {
      da = "Én idé I tager med", en = "One idea you take with you", time = "2m",
      bot_answers = { "Fast makkerskab", "Fælles morgenmøde", "Ring før du skriver" } })
    local options = rounds.vote_on(s, ideas, { da = "Hvilken idé prøver vi først?", en = "Which idea do we try first?" })
    return { across = across, ideas = #options }
  end,
}
