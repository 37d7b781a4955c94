-- Professionel praksis: place your practice on the seed's four axes, now and where
-- you want it, and see the room's picture.

local axes = {
  { key = "strategy", da = "Mål ← → Strategi", en = "Goals ← → Strategy" },
  { key = "effect", da = "Resultat ← → Effekt", en = "Results ← → Effect" },
  { key = "expertise", da = "Administration ← → Faglighed", en = "Administration ← → Expertise" },
  { key = "dialogue", da = "Aftale ← → Dialog", en = "Agreement ← → Dialogue" },
}

-- The room's mean on each axis, now and wanted, is measured for the report.
local indicators = {}
for _, axis in ipairs(axes) do
  indicators[#indicators + 1] = {
    id = "practice_now_" .. axis.key, kind = "number",
    label = { da = "I dag (rummets gennemsnit, 1–7): " .. axis.da, en = "Today (the room's mean, 1–7): " .. axis.en },
  }
  indicators[#indicators + 1] = {
    id = "practice_wanted_" .. axis.key, kind = "number",
    label = { da = "Hvor vi vil hen (rummets gennemsnit, 1–7): " .. axis.da,
              en = "Where we want to be (the room's mean, 1–7): " .. axis.en },
  }
end

return kf.exercise {
  id = "professionel-praksis",
  version = "1.0",
  title = { da = "Professionel praksis", en = "Professional practice" },
  summary = {
    da = "Hvor ligger din praksis i dag, og hvor vil du hen? Fire akser, 1–7.",
    en = "Where is your practice today, and where do you want it? Four axes, 1–7.",
  },
  minutes = 10,
  indicators = indicators,
  run = function(s)
    local picture = {}
    for _, axis in ipairs(axes) do
      local now = s:ask(s.everyone, {
        da = "I dag: " .. axis.da, en = "Today: " .. axis.en, kind = "scale", min = 1, max = 7, time = "45s",
      })
      local wanted = s:ask(s.everyone, {
        da = "Hvor du vil hen: " .. axis.da, en = "Where you want to be: " .. axis.en,
        kind = "scale", min = 1, max = 7, time = "45s",
      })
      local row = { axis = axis[s.language] or axis.da, now = kf.mean(now), wanted = kf.mean(wanted) }
      picture[#picture + 1] = row
      s:measure("practice_now_" .. axis.key, row.now)
      s:measure("practice_wanted_" .. axis.key, row.wanted)
    end
    local lines = {}
    for _, row in ipairs(picture) do
      lines[#lines + 1] = ("%s: %.1f → %.1f"):format(row.axis, row.now, row.wanted)
    end
    s:show(lines)
    s:wait_for_trainer { da = "Rummets billede – dialog i plenum", en = "The room's picture – plenary dialogue" }
    return { picture = picture }
  end,
}
