import Foundation
import KraftfeltLua

extension Session {
    static let sessionModuleName = "session"

    /// The session handle's functions, called as `s:ask(…)`.
    func sessionAPI() -> HostModule {
        let me = Parameter("self", .table)
        return HostModule(
            Self.sessionModuleName, summary: "The session handle `s` that `run` receives (and `g` in a group).",
            global: false, callPrefix: "s:",
            receiverPrefix: { $0["everyone"].tableValue?["kind"] == "group" ? "g:" : nil },
            functions: [
                HostFunction(
                    "ask",
                    parameters: [
                        me, Parameter("audience", .table, "s.everyone, g.everyone, a person, or a list of people"),
                        Parameter("question", .table, "da, en, kind, options, min, max, time, bot_answers, together"),
                    ], returns: "list of { who, value }",
                    summary: """
                        Asks and waits until everyone asked who is still here has answered, the time is up, \
                        or the trainer moves on. `kind` is text (default), choice, choices, scale, number, \
                        person, rank, vote or list; `time` a duration like "3m". A scale runs over whole numbers \
                        from `min` (default 1) to `max` (default 5), at most 100 apart; a number question may \
                        give `min` and `max` (from -10^12 to 10^12, `max` above `min`). A list question takes \
                        `min` (default 1) to `max` (default 10, at most 50) short texts from each person, each \
                        once, and its answer is a list of texts. `bot_answers` are \
                        sample text answers (a list's items) for rehearsals (at most 100). With `together = true` the people asked \
                        give one answer together: the first answer counts for all, the others' phones show it, \
                        and the question closes.
                        """,
                    example: """
                        local answers = s:ask(s.everyone, { da = "Hvad tager du med?", en = "What do you take away?", time = "2m" })
                        """
                    ,
                    suspends: true
                ) { [unowned self] call in try guarded(call, ask) },
                HostFunction(
                    "show",
                    parameters: [
                        me, Parameter("content", .any, "text, { da, en }, a list, people, groups, pairs or a chart"),
                        Parameter(
                            "to", .any, optional: true,
                            "\"screen\", \"everyone\", s.everyone, g.everyone, a person or a list of people"),
                    ],
                    summary: """
                        Shows typed content: a text, a list, people, groups, pairs (what s:match returned) or \
                        a chart ({ chart = "distribution" | "counts" | "before_after" | "ties", … }). \
                        `s:show(x)` shows it on the beamer and every phone, `g:show(x)` on the group's \
                        phones; `to` picks the beamer only ("screen"), a group, one person or a list.
                        """,
                    example: """
                        s:show { da = "Velkommen", en = "Welcome" }
                        s:show(pairs)   -- what s:match returned
                        s:show({ chart = "distribution", answers = answers, min = 1, max = 5 }, "screen")
                        """
                ) { [unowned self] call in try guarded(call, show) },
                HostFunction(
                    "set_role",
                    parameters: [
                        me, Parameter("people", .table, "a person, g.everyone or a list of people"),
                        Parameter("role", .any, "text or { da, en }; nil clears the role"),
                        Parameter("options", .table, optional: true, "listen_only = true: asked nothing"),
                    ],
                    summary: """
                        Gives people a role their phones show. With `listen_only = true` they only listen: \
                        no question reaches them while the role lasts, and their phone says so. A role lasts \
                        until it is changed or cleared, or the next exercise starts.
                        """,
                    example: """
                        s:set_role(round.client[1], { da = "Du fortæller", en = "You tell" })
                        s:set_role(round.consultant, { da = "Lyt", en = "Listen" }, { listen_only = true })
                        """
                ) { [unowned self] call in try guarded(call, setRole) },
                HostFunction(
                    "timer",
                    parameters: [
                        me, Parameter("duration", .string, "like \"10m\""),
                        Parameter("label", .any, optional: true, "text or { da, en }"),
                    ],
                    summary: "Shows a timer and waits until it runs out (the trainer can extend or skip it).",
                    example: "s:timer(\"10m\", { da = \"Samtale\", en = \"Conversation\" })",
                    suspends: true
                ) { [unowned self] call in try guarded(call, timer) },
                HostFunction(
                    "wait_for_trainer", parameters: [me, Parameter("label", .any, optional: true)],
                    summary: "Waits until the trainer moves on from the console.",
                    example: "s:wait_for_trainer { da = \"Dialog i plenum\", en = \"Plenary dialogue\" }",
                    suspends: true
                ) { [unowned self] call in
                    try guarded(call) { call in
                        let shown = label(try call.value(1))
                        note("waiting for the trainer: " + shown)
                        if let runningThread { trainerWaitLabel[runningThread] = shown }
                        return .suspend(RunningThread.Wait.trainer)
                    }
                },
                HostFunction(
                    "measure",
                    parameters: [
                        me, Parameter("indicator", .string), Parameter("value", .any),
                        Parameter("about", .any, optional: true),
                    ],
                    summary: """
                        Records a value of an indicator for reports: for the session, or `about` one person \
                        (or { person = p, tags = { "before" } }, { group = g }). The value fits the \
                        indicator: a whole number on its scale, a count, a number, true or false, a text, or \
                        for a tie the other person. A number for the session needs no declared indicator.
                        """,
                    example:
                        "s:measure(\"experienced_effect\", answer.value, { person = answer.who, tags = { \"before\" } })"
                ) { [unowned self] call in try guarded(call, measure) },
                HostFunction(
                    "follow_up",
                    parameters: [me, Parameter("request", .table, "indicators, days")],
                    summary: """
                        Asks the host to give each participant a follow-up code when the session ends: \
                        weeks later they open it on their phone, see the goal they wrote, answer these \
                        indicators (scales, counts, yes or no, texts), and see their own change. `days` \
                        (default 42, at most 366) is how long a code works.
                        """,
                    example: "s:follow_up { indicators = { \"experienced_effect\", \"goal_acted_on\" }, days = 28 }"
                ) { [unowned self] call in try guarded(call, followUpCall) },
                HostFunction(
                    "participants", parameters: [me], returns: "list of people",
                    summary: """
                        The people here now: { id, name, area, language, strengths }. In a group's flow, \
                        `g:participants()` is the group's members who are here now (with anyone placed in \
                        the group after joining late).
                        """,
                    example: "for _, p in ipairs(s:participants()) do print(p.name, p.area) end"
                ) { [unowned self] call in try guarded(call, participantsHere) },
                HostFunction(
                    "groups",
                    parameters: [
                        me, Parameter("options", .table, optional: true, "size, mix, avoid_repeats, target, min, from"),
                    ],
                    returns: "list of { index, members, min }",
                    summary: """
                        Splits the people here into groups. `size` is "2-4" (default) or a number, up to 50; \
                        `mix` is "areas" (default: mixed across areas), "same-area" or "random"; \
                        `avoid_repeats` (default true) keeps apart people who were together before; `target` \
                        is the size to aim for within `size`; `from` splits a group or a list of people \
                        instead of the room, and in a group's flow `g:groups` splits the group (sub-groups). \
                        Each group gets `min` (default 2, or 1 for groups of one): in `s:each_group`, when \
                        fewer of a group's people are here than that, they join the other groups at its next \
                        step. Other options are refused.
                        """,
                    example: """
                        local groups = s:groups { size = "4-5", mix = "areas" }
                        local pairs = s:groups { size = 2, from = groups[1] }   -- or g:groups { size = 2 } in a flow
                        """
                ) { [unowned self] call in try guarded(call, groups) },
                HostFunction(
                    "match",
                    parameters: [
                        me, Parameter("answers", .table, "what s:ask returned"),
                        Parameter("options", .table, optional: true, "helper = \"other-area\" or \"anyone\""),
                    ], returns: "list of { asker, helper, question, score, across }",
                    summary: """
                        Pairs every question with a helper from another area, best for the room as a whole: \
                        a helper whose strengths fit the question scores higher, nobody helps twice.
                        """,
                    example: "local pairs = s:match(questions, { helper = \"other-area\" })"
                ) { [unowned self] call in try guarded(call, match) },
                HostFunction(
                    "rotations",
                    parameters: [me, Parameter("options", .table, optional: true, "rounds (1 to 50, default 3)")],
                    returns: "list of rounds, each a list of { index, members, min }",
                    summary: """
                        Impromptu Networking: rounds of pairs of the people here (a trio when the count \
                        is odd), so that nobody meets the same person twice while that is possible.
                        """,
                    example: """
                        for round, pairs in ipairs(s:rotations { rounds = 3 }) do
                          s:show(pairs)
                          s:timer("4m", { da = "Runde " .. round, en = "Round " .. round })
                        end
                        """
                ) { [unowned self] call in try guarded(call, rotations) },
                HostFunction(
                    "roles",
                    parameters: [
                        me, Parameter("group", .table, "one of the groups s:groups returned (at most 50 people)"),
                        Parameter("roles", .table, "1 to 50 role names, like { \"client\", \"consultant\" }"),
                        Parameter("rounds", .integer, optional: true, "1 to 50; default: one per member"),
                    ], returns: "list of rounds, each { role = list of people }",
                    summary: """
                        Troika Consulting and the like: who has which role in each round, so that \
                        everyone is the first role once before anyone is it twice.
                        """,
                    example: """
                        for _, round in ipairs(s:roles(g, { "client", "consultant" })) do
                          g:show(round.client[1].name .. " fortæller; de andre lytter")
                          g:timer("10m")
                        end
                        """
                ) { [unowned self] call in try guarded(call, roles) },
                HostFunction(
                    "merge",
                    parameters: [me, Parameter("groups", .table, "what s:groups (or an earlier s:merge) returned")],
                    returns: "list of { index, members, min }",
                    summary: """
                        Every two groups become one, each kept together: pairs become fours (1-2-4-All). \
                        Only people here count. With an odd number of groups a trio stays a trio, or else \
                        the pair left over is split into two fours (two fives); with an even number a trio \
                        goes with a pair (a five). No group gets more than five, and nobody is left alone \
                        while there is a group to join.
                        """,
                    example: """
                        local pairs = s:groups { size = 2 }
                        s:each_group(pairs, function(g) g:timer("4m", { da = "To og to", en = "In pairs" }) end)
                        local fours = s:merge(pairs)
                        """
                ) { [unowned self] call in try guarded(call, merge) },
                HostFunction(
                    "turns",
                    parameters: [
                        me,
                        Parameter("options", .table, optional: true, "focus, others: the roles each turn gives"),
                    ],
                    returns: "an iterator of (focus, others)",
                    summary: """
                        In a group's flow: each member here has the turn once, in the group's order, at the \
                        group's own pace. `for focus, others in g:turns() do … end` gives the person with the \
                        turn and a list of the others here. Someone who left before their turn is skipped \
                        (the transcript says so); someone placed in the group late gets a turn too. With \
                        `focus` and `others`, each turn gives those roles (text or { da, en }), cleared when \
                        the turns are done.
                        """,
                    example: """
                        for client, consultants in g:turns { focus = { da = "Klient", en = "Client" } } do
                          g:ask(client, { da = "Din udfordring?", en = "Your challenge?", time = "2m" })
                          g:timer("6m", { da = "Konsulenterne taler", en = "The consultants talk" })
                        end
                        """
                ) { [unowned self] call in try guarded(call, turns) },
                HostFunction(
                    "next_turn", parameters: [me], returns: "focus, others (nothing when all had the turn)",
                    summary: "The next turn of `g:turns()`, which calls it for the `for` loop.",
                    example: "local focus, others = g:next_turn()"
                ) { [unowned self] call in try guarded(call, nextTurn) },
                HostFunction(
                    "each_group",
                    parameters: [
                        me,
                        Parameter("groups", .table, "what s:groups returned, or lists of people here; one group each"),
                        Parameter("flow", .function, "function(g) … end"),
                    ],
                    returns: "list of what each flow returned",
                    summary: """
                        Runs the same flow in every group at once, each with its own steps and timers, and \
                        waits until all have finished. `g` is a handle like `s` for the group's members. Each \
                        group holds people of this session, each person is in one group, and there are at \
                        most as many groups as people (and at most 1000). When a group with a `min` (every \
                        group from s:groups, s:merge or s:rotations) has fewer people here than that at one \
                        of its steps (a question, a timer, a turn), each of them joins the group with the \
                        fewest people here; a group with nobody here runs to its end at once (its questions \
                        ask nobody, its timers pass). Someone who joins late is placed in the smallest group. \
                        Inside a flow, `g:each_group(g:groups { size = 2 }, …)` runs sub-groups.
                        """,
                    example: """
                        local goals = s:each_group(groups, function(g)
                          g:timer("4m", { da = "Hvad udfordrer dig?", en = "What challenges you?" })
                          return g:ask(g.everyone, { da = "Dit mål", en = "Your goal", time = "1m" })
                        end)
                        """
                    ,
                    suspends: true
                ) { [unowned self] call in try guarded(call, eachGroup) },
            ] + storageFunctions(me))
    }

    /// The handle a thread's flow gets: `s` for the session, `g` for a group.
    func handle(group: Int?) -> LuaValue {
        var fields = sessionModule.fields
        fields.append(LuaTable.Field("language", .string(definition.language)))
        fields.append(LuaTable.Field("results", .table(LuaTable(fields: results))))
        fields.append(LuaTable.Field("params", .table(current?.parameters ?? LuaTable())))
        if let group, let members = groupMembers[group] {
            let records = members.map { record(of: $0) }
            fields.append(LuaTable.Field("index", .integer(Int64(groupIndex[group] ?? 0))))
            fields.append(LuaTable.Field("members", .table(LuaTable(array: records))))
            // A list of the members, which an audience reads as whoever is in the group then.
            var everyone = LuaTable(array: records)
            everyone.fields = [LuaTable.Field("kind", "group"), LuaTable.Field("group", .integer(Int64(group)))]
            fields.append(LuaTable.Field("everyone", .table(everyone)))
        } else {
            fields.append(LuaTable.Field("everyone", .table(LuaTable(["kind": "everyone"]))))
        }
        return .table(LuaTable(fields: fields))
    }

    /// A participant as scripts see them.
    func record(of id: String) -> LuaValue {
        guard let index = participantIndex[id] else { return .nil }
        let p = participants[index]
        let attributes = p.attributes.sorted { $0.key < $1.key }.map {
            LuaTable.Field(.string($0.key), .string($0.value))
        }
        return .table(
            LuaTable([
                "id": .string(p.id), "name": .string(p.name), "area": .string(p.area), "language": .string(p.language),
                "strengths": .table(LuaTable(array: p.strengths.map { .string($0) })),
                "attributes": .table(LuaTable(fields: attributes)),
            ]))
    }

    func duration(_ call: HostCall, _ index: Int, _ name: String) throws(HostError) -> Int64 {
        let value = try call.value(index)
        guard let text = value.text, let ms = DurationText.milliseconds(text) else {
            throw HostError("'\(name)' must be a duration like \"3m\", got \(describe(value))")
        }
        return ms
    }

    /// `s:timer("10m", label)`: shows a timer and waits until it ends.
    func timer(_ call: HostCall) throws -> HostResult {
        joinOthersIfShrunk()
        let ms = try duration(call, 1, "duration")
        let shown = label(try call.value(2))
        let end = try deadline(in: ms, for: "a timer")
        if nobodyOfTheGroupHere() {
            note("timer \(DurationText.format(ms)) passes: nobody of the group is here")
            return .none
        }
        let id = newID()
        timers[id] = RunningTimer(deadline: end, thread: runningThread, ask: nil, label: shown)
        note("timer \(DurationText.format(ms))" + (shown.isEmpty ? "" : ": \(shown)"))
        return .suspend(RunningThread.Wait.timer(id))
    }

}
