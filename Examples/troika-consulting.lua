-- Troika Consulting (a Liberating Structure): in groups of three, each person in turn
-- is the client and asks for help; the other two consult while the client listens.

return kf.exercise {
  id = "troika-consulting",
  title = { da = "Troika-konsultation", en = "Troika Consulting" },
  indicators = {
    { id = "people_consulted", label = { da = "Personer, der fik råd", en = "People who were consulted" },
      kind = "count" },
  },
  minutes = 30,
  run = function(s)
    local groups = s:groups { size = 3, mix = "areas" }
    s:show(groups)
    local helped = s:each_group(groups, function(g)
      local rounds = s:roles(g, { "client", "consultant" })
      for _, round in ipairs(rounds) do
        local client = round.client[1]
        g:ask(client, { da = "Hvad er din udfordring?", en = "What is your challenge?", time = "2m" })
        -- The client turns around and only listens: no question reaches them meanwhile.
        g:set_role(client, { da = "Lyt – vend ryggen til", en = "Listen – turn your back" }, { listen_only = true })
        -- A group of one (a room of one) has no consultants to give the role to.
        if #round.consultant > 0 then g:set_role(round.consultant, { da = "Konsulent", en = "Consultant" }) end
        g:timer("6m", { da = "Konsulenterne taler, " .. client.name .. " lytter",
                        en = "The consultants talk, " .. client.name .. " listens" })
        g:ask(g.everyone, { da = "Dit bedste råd i én sætning", en = "Your best advice in one sentence", time = "1m" })
        g:set_role(g.everyone, nil)
      end
      return #rounds
    end)
    local total = 0
    for _, n in ipairs(helped) do total = total + n end
    s:measure("people_consulted", total)
    return { consulted = total }
  end,
}
