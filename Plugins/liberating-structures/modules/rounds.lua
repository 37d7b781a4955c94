-- rounds: pieces of Liberating Structures that other packs can use.
-- A pack that depends on this one writes: local rounds = require "org.liberatingstructures.core.rounds"

local M = {}

-- The harvest of a round: one option per distinct idea, a vote on them, and the counts
-- on the beamer. Returns the options and the votes (both empty when there were no ideas).
function M.vote_on(s, ideas, question)
  local options = kf.options(ideas)
  if #options == 0 then return options, {} end
  local votes = s:ask(s.everyone, {
    da = question.da, en = question.en, kind = "vote", options = options, time = question.time or "2m" })
  s:show({ chart = "counts", answers = votes, options = options }, "screen")
  return options, votes
end

return M
