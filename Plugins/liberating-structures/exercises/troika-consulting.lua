return kf.exercise {
  id = "troika-consulting", title = { da = "Troika-konsultation", en = "Troika Consulting" }, minutes = 30,
  run = function(s)
    local groups = s:groups { size = 3, mix = "areas" }
    s:show(groups)
    s:each_group(groups, function(g)
      local client_role = { da = "Klient", en = "Client" }
      for client, consultants in g:turns { focus = client_role, others = { da = "Konsulent", en = "Consultant" } } do
        g:ask(client, { da = "Hvad er din udfordring?", en = "What is your challenge?", time = "2m" })
        g:ask(consultants, { da = "Et afklarende spørgsmål", en = "One clarifying question", time = "2m" })
        g:set_role(client, { da = "Lyt – vend ryggen til", en = "Listen – turn your back" }, { listen_only = true })
        g:timer("6m", { da = "Konsulenterne taler", en = "The consultants talk" })
        g:set_role(client, client_role)
        g:ask(client, { da = "Hvad tager du med?", en = "What do you take away?", time = "1m" })
      end
    end)
  end,
}
