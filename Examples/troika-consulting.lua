-- Troika Consulting (a Liberating Structure): in groups of three, each person in turn
-- is the client and asks for help; the other two consult while the client listens.

return kf.exercise {
  id = "troika-consulting",
  title = { da = "Troika-konsultation", en = "Troika Consulting" },
  minutes = 30,
  run = function(s)
    local groups = s:groups { size = 3, mix = "areas" }
    s:show(groups)
    local helped = s:each_group(groups, function(g)
      local rounds = s:roles(g, { "client", "consultant" })
      for _, round in ipairs(rounds) do
        local client = round.client[1]
        g:ask(client, { da = "Hvad er din udfordring?", en = "What is your challenge?", time = "2m" })
        g:timer("6m", { da = "Konsulenterne taler, " .. client.name .. " lytter",
                        en = "The consultants talk, " .. client.name .. " listens" })
      end
      return #rounds
    end)
    local total = 0
    for _, n in ipairs(helped) do total = total + n end
    s:measure("people_consulted", total)
    return { consulted = total }
  end,
}
