-- kraftfelt pack test runs this file as an exercise with bots: the asserts at the top test
-- the module on its own, the ones in run test it in a session.
local rounds = require "rounds"

assert(type(rounds.vote_on) == "function", "rounds exports vote_on")

return kf.exercise {
  id = "rounds", title = { da = "Test af rounds", en = "Test of rounds" }, minutes = 5,
  run = function(s)
    local none, no_votes = rounds.vote_on(s, {}, { da = "Stem", en = "Vote" })
    assert(#none == 0 and #no_votes == 0, "no ideas give no vote")
    local ideas = s:ask(s.everyone, { da = "En idé", en = "An idea", time = "1m", bot_answers = { "A", "B", "A" } })
    local options, votes = rounds.vote_on(s, ideas, { da = "Hvilken?", en = "Which?" })
    assert(#options >= 1 and #options <= 3, "one option per distinct idea, got " .. #options)
    assert(#votes <= #s:participants(), "at most one vote each")
  end,
}
