-- Måling: the seed's eight measurement points, each on a scale from 1 to 5, kept per
-- person for reports. The first Måling of a session measures "before", a later one
-- "after" (or say phase = "after" or "follow-up"); after it, the beamer shows the room's
-- change and each phone the person's own ("hold øje med din egen forandring").

local points = {
  { key = "experienced_effect", da = "Oplevet effekt af dit arbejde", en = "Experienced effect of your work" },
  { key = "strategy_contribution", da = "Dit bidrag til at opfylde strategien", en = "Your contribution to the strategy" },
  { key = "network_impact", da = "Dit bidrag til netværkets gennemslagskraft", en = "Your contribution to the network's impact" },
  { key = "citizen_participation", da = "Graden af borgerdeltagelse", en = "The degree of citizen participation" },
  { key = "colleagues_in_networks", da = "Hvor mange af dine kolleger er involveret i netværk", en = "How many of your colleagues are involved in networks" },
  { key = "colleague_learning", da = "Læring hos kolleger og medarbejdere", en = "Learning among colleagues and staff" },
  { key = "recognition", da = "Anerkendelse fra kolleger og medarbejdere", en = "Recognition from colleagues and staff" },
  { key = "own_learning", da = "Din egen læring om nye handlemuligheder", en = "Your own learning about new options for action" },
}

local function mean(values)
  local sum, n = 0, 0
  for _, v in pairs(values) do sum, n = sum + v, n + 1 end
  return n > 0 and sum / n or nil
end

return kf.exercise {
  id = "maaling",
  version = "1.1",
  title = { da = "Måling", en = "Measurement" },
  summary = {
    da = "Otte målepunkter fra 1 (lidt) til 5 (meget) – før, efter og senere.",
    en = "Eight measurement points from 1 (little) to 5 (much) – before, after and later.",
  },
  minutes = 5,
  parameters = { phase = { type = "string", default = "auto" } },
  run = function(s)
    local before = s:recall("session", "maaling_before")
    local phase = s.params.phase
    if phase == "auto" then phase = before and "after" or "before" end
    local mine, means = {}, {}
    for _, point in ipairs(points) do
      local answers = s:ask(s.everyone, {
        da = point.da, en = point.en, kind = "scale", min = 1, max = 5, time = "30s",
      })
      for _, answer in ipairs(answers) do
        s:measure(point.key, answer.value, { person = answer.who, tags = { phase } })
        mine[answer.who.id] = mine[answer.who.id] or {}
        mine[answer.who.id][point.key] = answer.value
      end
      means[point.key] = #answers > 0 and kf.mean(answers) or nil
    end
    if phase == "before" then
      s:remember("session", "maaling_before", { means = means, people = mine })
      return means
    end
    if not before then return means end
    -- The room's change, on the beamer: each point's mean before and now.
    local lines = {}
    for _, point in ipairs(points) do
      local was, now = before.means[point.key], means[point.key]
      if was and now then
        lines[#lines + 1] = {
          da = ("%s: %.1f → %.1f"):format(point.da, was, now),
          en = ("%s: %.1f → %.1f"):format(point.en, was, now),
        }
      end
    end
    local was, now = mean(before.means), mean(means)
    if was and now then
      s:show({ chart = "before_after", before = was, after = now,
               title = { da = "Alle otte målepunkter, gennemsnit", en = "All eight points, mean" } }, "screen")
    end
    if #lines > 0 then s:show(lines, "screen") end
    -- Each person's own change, on their phone only.
    for _, p in ipairs(s:participants()) do
      local old, new = before.people[p.id], mine[p.id]
      if old and new then
        local own = {}
        for _, point in ipairs(points) do
          if old[point.key] and new[point.key] then
            own[#own + 1] = {
              da = ("%s: %d → %d"):format(point.da, old[point.key], new[point.key]),
              en = ("%s: %d → %d"):format(point.en, old[point.key], new[point.key]),
            }
          end
        end
        if #own > 0 then s:show(own, p) end
      end
    end
    return means
  end,
}
