import KraftfeltLua

/// The global `kf` module: declaring exercises and programmes.
enum ExerciseModule {
    static var module: HostModule {
        HostModule(
            "kf", summary: "Declaring exercises and programmes.",
            functions: [
                HostFunction(
                    "exercise", parameters: [Parameter("definition", .table, "id, title, minutes, run, …")],
                    returns: "table",
                    summary: """
                        Declares an exercise. `id` (lowercase letters, digits, dashes), `title` and `summary` \
                        with `da` and `en` texts, `minutes`, and `run = function(s) … end`, which gets the \
                        session handle. Optional: `version`, `parameters` (`{ rounds = { type = "integer", \
                        default = 3 } }`, read as `s.params.rounds`; types integer, number, string, boolean, \
                        duration) and `attributes` (what it needs to know of each person, like `{ "role" }`). \
                        Return it from the script.
                        """,
                    example: """
                        return kf.exercise {
                          id = "hello", title = { da = "Hej", en = "Hello" }, minutes = 5,
                          run = function(s) s:show({ da = "Velkommen", en = "Welcome" }) end,
                        }
                        """
                ) { call in
                    var definition = try call.value(0).tableValue ?? LuaTable()
                    try checkExercise(definition)
                    definition.fields.removeAll { $0.key == "kind" }
                    definition.fields.append(LuaTable.Field("kind", "exercise"))
                    return .value(.table(definition))
                },
                HostFunction(
                    "programme", parameters: [Parameter("definition", .table, "id, title, exercises")],
                    returns: "table",
                    summary: """
                        Declares a programme: several exercises run in order in one session \
                        (`exercises = { "spoergsmaal-paa-tvaers", "summegrupper" }`). A later exercise \
                        reads what an earlier one returned in `s.results[id]`.
                        """,
                    example: """
                        return kf.programme {
                          id = "netvaerksorganisering", title = { da = "Netværksorganisering", en = "Network organisation" },
                          exercises = { "maaling", "spoergsmaal-paa-tvaers", "summegrupper" },
                        }
                        """
                ) { call in
                    var definition = try call.value(0).tableValue ?? LuaTable()
                    try checkProgramme(definition)
                    definition.fields.removeAll { $0.key == "kind" }
                    definition.fields.append(LuaTable.Field("kind", "programme"))
                    return .value(.table(definition))
                },
                HostFunction(
                    "options",
                    parameters: [
                        Parameter("values", .table, "texts or answers, or lists of them (what s:each_group returned)")
                    ],
                    returns: "list of texts",
                    summary: """
                        Harvesting: the texts of answers (each item of a list question's) as options for a \
                        vote, rank or choice. Each text once (the first of those that differ only in case and spaces), empty ones and \
                        `false` left out, each cut at \(SessionLimits.optionBytes) bytes, at most \
                        \(SessionLimits.options).
                        """,
                    example: """
                        local ideas = s:each_group(groups, function(g) return g:ask(g.everyone, question) end)
                        local options = kf.options(ideas)
                        if #options > 0 then s:ask(s.everyone, { da = "Stem", en = "Vote", kind = "vote", options = options }) end
                        """
                ) { call in .value(.table(LuaTable(array: harvest(try call.value(0)).map { .string($0) }))) },
                HostFunction(
                    "by_group",
                    parameters: [
                        Parameter("answers", .table, "what s:ask returned"),
                        Parameter("groups", .table, "what s:groups (or s:merge) returned, or lists of people"),
                    ],
                    returns: "list of lists of { who, value }",
                    summary: """
                        Answers that know their group: the answers of a question asked in the room, split by \
                        the groups, one list for each group in the groups' order (an empty list for a group \
                        none of whose people answered). Answers of people in none of the groups are left out.
                        """,
                    example: """
                        local scores = s:ask(s.everyone, { da = "Hvor godt gik det?", en = "How well did it go?", kind = "scale" })
                        for i, answers in ipairs(kf.by_group(scores, groups)) do print(i, kf.mean(answers)) end
                        """
                ) { call in .value(try byGroup(try call.value(0), try call.value(1))) },
                HostFunction(
                    "mean", parameters: [Parameter("values", .table, "numbers, or what s:ask returned")],
                    returns: "number (0 for an empty list)",
                    summary: "The mean of a list of numbers, or of the answers to a scale or number question.",
                    example: "s:measure(\"energy_mean\", kf.mean(s:ask(s.everyone, question)))"
                ) { call in
                    let list = try call.value(0).tableValue?.array ?? []
                    var sum = 0.0
                    for (i, item) in list.enumerated() {
                        guard let number = item.numberValue ?? item.tableValue?["value"].numberValue else {
                            throw HostError("item \(i + 1) of 'values' is not a number or an answer with a number")
                        }
                        sum += number
                    }
                    return .number(list.isEmpty ? 0 : sum / Double(list.count))
                },
                HostFunction(
                    "duration", parameters: [Parameter("text", .string, "like \"3m\", \"90s\", \"1h\"")],
                    returns: "integer", summary: "Seconds in a duration like \"3m\".",
                    example: "local seconds = kf.duration(\"1m30s\")   -- 90"
                ) { call in
                    let text = try call.string(0)
                    guard let ms = DurationText.milliseconds(text) else {
                        throw HostError(
                            "argument 'text' must be a duration like \"3m\", got \(describe(.string(text)))")
                    }
                    return .integer(ms / 1000)
                },
            ])
    }

    /// `kf.by_group(answers, groups)`: the answers split by the groups their people are in.
    static func byGroup(_ answers: LuaValue, _ groups: LuaValue) throws(HostError) -> LuaValue {
        guard case .table(let answerList) = answers, answerList.fields.isEmpty || !answerList.array.isEmpty else {
            throw HostError("'answers' must be what s:ask returned, got \(describe(answers))")
        }
        guard case .table(let groupList) = groups, groupList.fields.isEmpty || !groupList.array.isEmpty else {
            throw HostError("'groups' must be a list of groups, like what s:groups returned, got \(describe(groups))")
        }
        guard !groupList.array.isEmpty else {
            throw HostError("'groups' is an empty list: there are no groups to split the answers by")
        }
        var groupOf: [String: Int] = [:]
        for (offset, group) in groupList.array.enumerated() {
            let people = group.tableValue?["members"].tableValue?.array ?? group.tableValue?.array
            guard let people, !people.isEmpty else {
                throw HostError(
                    "group \(offset + 1) of 'groups' must be a group from s:groups or a list of people, "
                        + "got \(describe(group))")
            }
            for (index, person) in people.enumerated() {
                guard let id = person.tableValue?["id"].text else {
                    throw HostError(
                        "member \(index + 1) of group \(offset + 1) of 'groups' is not a person, got \(describe(person))"
                    )
                }
                if groupOf[id] == nil { groupOf[id] = offset }
            }
        }
        var split = Array(repeating: [LuaValue](), count: groupList.array.count)
        for (offset, answer) in answerList.array.enumerated() {
            guard let id = answer.tableValue?["who"].tableValue?["id"].text else {
                throw HostError(
                    "item \(offset + 1) of 'answers' is not an answer (what s:ask returned), got \(describe(answer))")
            }
            if let group = groupOf[id] { split[group].append(answer) }
        }
        return .table(LuaTable(array: split.map { .table(LuaTable(array: $0)) }))
    }

    /// The distinct texts in a list of texts or answers (or lists of them), in order.
    static func harvest(_ value: LuaValue) -> [String] {
        var texts: [String] = []
        var seen: Set<String> = []
        func take(_ item: LuaValue, depth: Int) {
            guard texts.count < SessionLimits.options else { return }
            if let text = item.text ?? item.tableValue?["value"].text {
                let trimmed = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                guard !trimmed.isEmpty, seen.insert(trimmed.lowercased()).inserted else { return }
                texts.append(cut(trimmed, bytes: SessionLimits.optionBytes))
            } else if let items = item.tableValue?["value"].tableValue?.array {
                // An answer to a list question: each of its items.
                for inner in items where inner.text != nil { take(inner, depth: depth + 1) }
            } else if depth < 2, let list = item.tableValue?.array {
                for inner in list { take(inner, depth: depth + 1) }
            }
        }
        for item in value.tableValue?.array ?? [] { take(item, depth: 1) }
        return texts
    }

    /// `text` cut at a character boundary to at most `bytes` bytes.
    static func cut(_ text: String, bytes: Int) -> String {
        guard text.utf8.count > bytes else { return text }
        var result = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            if used + size > bytes { break }
            result.append(character)
            used += size
        }
        return result
    }

    static func checkIdentity(_ definition: LuaTable) throws(HostError) {
        guard let id = definition["id"].text else {
            throw HostError("'id' must be a string, got \(describe(definition["id"]))")
        }
        let allowed = id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        guard !id.isEmpty, id.count <= 64, allowed else {
            throw HostError(
                "'id' must be lowercase letters, digits and dashes (like \"summegrupper\"), got \(describe(definition["id"]))"
            )
        }
        guard case .table(let title) = definition["title"] else {
            throw HostError(
                "'title' must be a table like { da = \"…\", en = \"…\" }, got \(describe(definition["title"]))")
        }
        for language in ["da", "en"] where title[language].text?.isEmpty ?? true {
            throw HostError("'title' needs a text in \(language == "da" ? "Danish (da)" : "English (en)")")
        }
        for field in title.fields where (field.value.text?.utf8.count ?? 0) > SessionLimits.titleBytes {
            throw HostError("a 'title' text can have at most \(SessionLimits.titleBytes) bytes")
        }
    }

    /// Checks what a script returned as its declaration, as `kf.exercise` and
    /// `kf.programme` do: a table a script made up itself gets no further than theirs.
    static func checkDeclaration(_ definition: LuaTable) throws(HostError) {
        switch definition["kind"] {
        case "exercise": try checkExercise(definition)
        case "programme": try checkProgramme(definition)
        default: throw HostError("the script must return kf.exercise { … } or kf.programme { … }")
        }
    }

    static func checkProgramme(_ definition: LuaTable) throws(HostError) {
        try checkIdentity(definition)
        guard case .table(let list) = definition["exercises"], !list.array.isEmpty,
            list.array.allSatisfy({ $0.text != nil })
        else {
            throw HostError("'exercises' must be a list of exercise ids, like { \"summegrupper\" }")
        }
        guard list.array.count <= SessionLimits.programmeExercises else {
            throw HostError(
                "a programme runs at most \(SessionLimits.programmeExercises) exercises, got \(list.array.count)")
        }
    }

    static func checkExercise(_ definition: LuaTable) throws(HostError) {
        try HostOptions.exercise.check(definition, ignoring: ["kind"])
        try checkIdentity(definition)
        guard let minutes = definition["minutes"].numberValue, minutes > 0, minutes <= 24 * 60 else {
            throw HostError("'minutes' must be a number of minutes above 0, got \(describe(definition["minutes"]))")
        }
        guard case .function = definition["run"] else {
            throw HostError("'run' must be a function(s) … end, got \(describe(definition["run"]))")
        }
        try ExerciseParameters.check(definition["parameters"])
        for indicator in try Indicator.declared(definition["indicators"]) {
            if let host = Indicator.host[indicator.id], host != indicator {
                throw HostError(
                    "the indicator \"\(indicator.id)\" is one of the host's: measure it without declaring it, or choose another id"
                )
            }
        }
        if definition["attributes"] != .nil,
            definition["attributes"].tableValue.map({ !$0.fields.isEmpty || !$0.array.allSatisfy { $0.text != nil } })
                ?? true
        {
            throw HostError("'attributes' must be a list of the participant attributes it needs, like { \"role\" }")
        }
    }
}

/// A value as an error message shows it: `3`, `"abc"`, `a table`.
func describe(_ value: LuaValue) -> String {
    switch value {
    case .nil: "nil"
    case .boolean(let b): b ? "true" : "false"
    case .integer(let i): String(i)
    case .number(let d): String(d)
    case .string(let s): "\"\(String(String.UnicodeScalarView(s.description.unicodeScalars.prefix(40))))\""
    case .table: "a table"
    case .function: "a function"
    }
}

extension LuaValue {
    var numberValue: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .number(let d): d
        default: nil
        }
    }
}
