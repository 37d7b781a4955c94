-- Måling: the seed's eight measurement points, each on a scale from 1 to 5.
-- Run it before and after a programme, and again weeks later ("hold øje med din
-- egen forandring"); the measures are kept per exercise for reports.

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

return kf.exercise {
  id = "maaling",
  version = "1.0",
  title = { da = "Måling", en = "Measurement" },
  summary = {
    da = "Otte målepunkter fra 1 (lidt) til 5 (meget) – før, efter og senere.",
    en = "Eight measurement points from 1 (little) to 5 (much) – before, after and later.",
  },
  minutes = 5,
  run = function(s)
    local result = {}
    for _, point in ipairs(points) do
      local answers = s:ask(s.everyone, {
        da = point.da, en = point.en, kind = "scale", min = 1, max = 5, time = "30s",
      })
      local mean = kf.mean(answers)
      s:measure(point.key, mean)
      result[point.key] = mean
    end
    return result
  end,
}
