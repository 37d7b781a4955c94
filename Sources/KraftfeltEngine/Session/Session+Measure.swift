import KraftfeltLua

extension Session {
    /// `s:measure(indicator, value [, about])`: a value of an indicator, for the session,
    /// one person or a group, checked against what the indicator takes.
    func measure(_ call: HostCall) throws -> HostResult {
        try require(.measures, for: "taking measures")
        let name = try call.string(1)
        let limit = SessionLimits.measureName
        guard name.utf8.count <= 4 * limit else {
            throw HostError("'indicator' can have at most \(4 * limit) bytes, got \(name.utf8.count)")
        }
        guard !name.isEmpty, name.count <= limit else {
            throw HostError("'indicator' must have 1 to \(limit) characters")
        }
        let raw = try call.value(2)
        let (subject, tags) = try about(try call.value(3))
        guard measures.count < SessionLimits.measures else {
            throw HostError("a session can take at most \(SessionLimits.measures) measures")
        }
        var measure = Measure(
            exercise: current?.id ?? "", name: name, value: 0, at: clock.now, subject: subject, tags: tags)
        if case .participant(let id) = subject { measure.area = participant(id)?.area }
        guard let indicator = indicators[name] else {
            // A number for the session is what scripts measured before indicators were
            // declared: it is kept under its name. Anything else needs the declaration.
            guard subject == .session, let value = raw.numberValue else {
                let guess = HostOptions.nearest(name, in: indicators.keys.sorted()).map { ": did you mean '\($0)'?" }
                throw HostError(
                    "\"\(name)\" is not an indicator\(guess ?? "") (declare it in the exercise's indicators = { … } "
                        + "to measure it \(subject == .session ? "as a \(raw.typeName)" : "per person or group"))")
            }
            guard value.isFinite else { throw HostError("'value' must be a finite number, got \(describe(raw))") }
            measure.value = value
            return record(measure)
        }
        switch indicator.kind {
        case .text:
            guard let text = raw.text, !text.isEmpty else {
                throw HostError("\(name) is a free text: give a text, got \(describe(raw))")
            }
            guard !text.unicodeScalars.contains("\0") else {
                throw HostError("\(name): a text cannot hold a NUL character")
            }
            guard text.utf8.count <= SessionLimits.measureText else {
                throw HostError(
                    "\(name): a text can have at most \(SessionLimits.measureText) bytes, got \(text.utf8.count)")
            }
            measure.value = 1
            measure.text = text
        case .tie:
            guard case .participant(let id) = subject else {
                throw HostError(
                    "\(name) is a tie between two people: say whom it is about, like s:measure(\"\(name)\", helper, asker)"
                )
            }
            guard let other = personID(raw) else {
                throw HostError(
                    "\(name) is a tie between two people: the value must be a person in this session, got \(describe(raw))"
                )
            }
            guard other != id else { throw HostError("\(name): a tie needs two different people") }
            measure.value = 1
            measure.other = other
            measure.otherArea = participant(other)?.area
        case .yesNo where raw == .boolean(true) || raw == .boolean(false):
            measure.value = raw == .boolean(true) ? 1 : 0
        default:
            guard let value = raw.numberValue else {
                throw HostError("\(name) takes a number, got \(describe(raw))")
            }
            if let problem = indicator.problem(with: value) { throw HostError(problem) }
            measure.value = value
        }
        return record(measure)
    }

    /// `s:follow_up { indicators = { … }, days = 42 }`: what the follow-up asks, weeks later.
    func followUpCall(_ call: HostCall) throws -> HostResult {
        try require(.followUp, for: "a follow-up")
        let value = try call.value(1)
        guard case .table(let table) = value else {
            throw HostError("'request' must be { indicators = { … }, days = … }, got \(describe(value))")
        }
        try HostOptions.followUp.check(table)
        guard case .table(let list) = table["indicators"], list.fields.isEmpty, !list.array.isEmpty,
            list.array.count <= SessionLimits.followUpIndicators
        else {
            throw HostError(
                "'indicators' must list 1 to \(SessionLimits.followUpIndicators) indicator ids, like { \"experienced_effect\" }"
            )
        }
        var ids: [String] = []
        for item in list.array {
            guard let id = item.text, let indicator = indicators[id] else {
                let guess = item.text.flatMap { HostOptions.nearest($0, in: indicators.keys.sorted()) }
                throw HostError(
                    "\(describe(item)) is not an indicator" + (guess.map { ": did you mean '\($0)'?" } ?? ""))
            }
            guard indicator.kind != .tie else {
                throw HostError("\(id) is a tie between two people: a follow-up asks one person at a time")
            }
            if !ids.contains(id) { ids.append(id) }
        }
        var days = 42
        if table["days"] != .nil {
            guard let given = table["days"].integerValue, (1...366).contains(given) else {
                throw HostError("'days' must be a whole number of days from 1 to 366, got \(describe(table["days"]))")
            }
            days = Int(given)
        }
        followUp = FollowUpRequest(exercise: current?.id ?? "", indicators: ids.map { indicators[$0]! }, days: days)
        note("follow-up in \(days) days: \(ids.joined(separator: ", "))")
        return .none
    }

    private func record(_ measure: Measure) -> HostResult {
        measures.append(measure)
        var line = "measure \(measure.name)"
        if measure.subject != .session { line += " (\(measure.subject.kind) \(shortName(measure.subject)))" }
        if let other = measure.other {
            line += " = tie with \(participant(other)?.name ?? other)"
        } else if measure.text != nil {
            line += " = a text"
        } else {
            line += " = \(Self.number(measure.value))"
        }
        if !measure.tags.isEmpty { line += " [\(measure.tags.joined(separator: ", "))]" }
        note(line)
        return .none
    }

    /// A person's name for the transcript, or a group's size.
    private func shortName(_ subject: MeasureSubject) -> String {
        switch subject {
        case .session: ""
        case .participant(let id): participant(id)?.name ?? id
        case .group(let id): "of \(id.split(separator: "+").count)"
        }
    }

    func participant(_ id: String) -> Participant? {
        participantIndex[id].map { participants[$0] }
    }

    /// A person of this session: their id, or their table (`{ id = … }`).
    private func personID(_ value: LuaValue) -> String? {
        let id: String? =
            switch value {
            case .string: value.text
            case .table(let table): table["id"].text
            default: nil
            }
        guard let id, participantIndex[id] != nil else { return nil }
        return id
    }

    /// Whom `about` names, and the tags it gives.
    private func about(_ value: LuaValue) throws(HostError) -> (MeasureSubject, [String]) {
        if value == .nil { return (.session, []) }
        if let id = personID(value) { return (.participant(id), []) }
        guard case .table(let table) = value else {
            throw HostError("'about' must be a person or { person = …, group = …, tags = … }, got \(describe(value))")
        }
        if !table.array.isEmpty { return (try group(value), []) }
        try HostOptions.measure.check(table)
        var subject = MeasureSubject.session
        if table["person"] != .nil {
            guard let id = personID(table["person"]) else {
                throw HostError("'person' must be a person in this session, got \(describe(table["person"]))")
            }
            subject = .participant(id)
        }
        if table["group"] != .nil {
            guard subject == .session else { throw HostError("give 'person' or 'group', not both") }
            subject = try group(table["group"])
        }
        return (subject, try tags(table["tags"]))
    }

    /// A group: a list of people of this session (`g.members`, a group of `s:groups`).
    private func group(_ value: LuaValue) throws(HostError) -> MeasureSubject {
        guard case .table(let table) = value, !table.array.isEmpty, table.array.count <= SessionLimits.groupSize
        else {
            throw HostError(
                "'group' must be a list of people (g.members, or a group of s:groups), got \(describe(value))")
        }
        var ids: [String] = []
        for member in table.array {
            guard let id = personID(member) else {
                throw HostError("'group' must list people of this session, got \(describe(member))")
            }
            ids.append(id)
        }
        return .group(Set(ids).sorted().joined(separator: "+"))
    }

    private func tags(_ value: LuaValue) throws(HostError) -> [String] {
        if value == .nil { return [] }
        let shape = "'tags' must be a list of up to \(SessionLimits.measureTags) short words, like { \"before\" }"
        guard case .table(let table) = value, table.fields.isEmpty, table.array.count <= SessionLimits.measureTags
        else { throw HostError(shape) }
        var tags: [String] = []
        for tag in table.array {
            guard let text = tag.text, Indicator.isTag(text) else {
                throw HostError(
                    "\(shape); a tag is 1 to 32 lowercase letters, digits, '-' and '_', got \(describe(tag))")
            }
            if !tags.contains(text) { tags.append(text) }
        }
        return tags
    }
}

extension Indicator {
    /// A tag of a measure: `before`, `follow-up`, `round_2`.
    static func isTag(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 32 else { return false }
        return text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
        }
    }

    /// The kinds as a script names them.
    static let kindNames = Kind.allCases.map(\.rawValue)

    /// An exercise's `indicators = { { id = …, label = …, kind = … }, … }`.
    static func declared(_ value: LuaValue) throws(HostError) -> [Indicator] {
        if value == .nil { return [] }
        let shape =
            "'indicators' must be a list like { { id = \"energy\", label = { da = …, en = … }, kind = \"scale\" } }"
        guard case .table(let list) = value, list.fields.isEmpty else { throw HostError(shape) }
        guard list.array.count <= SessionLimits.indicators else {
            throw HostError(
                "an exercise can declare at most \(SessionLimits.indicators) indicators, got \(list.array.count)")
        }
        var indicators: [Indicator] = []
        for (offset, item) in list.array.enumerated() {
            guard case .table(let table) = item else { throw HostError(shape) }
            let which = "indicator \(offset + 1)"
            do { try HostOptions.indicator.check(table) } catch { throw HostError("\(which): \(error.message)") }
            guard let id = table["id"].text, isID(id) else {
                throw HostError(
                    "\(which): 'id' must be lowercase letters, digits and '_', starting with a letter, like \"energy\", got \(describe(table["id"]))"
                )
            }
            guard !indicators.contains(where: { $0.id == id }) else {
                throw HostError("the indicator \"\(id)\" is declared twice")
            }
            let label = try texts(table["label"], "\(id): 'label'")
            guard let kindName = table["kind"].text, let kind = Kind(rawValue: kindName) else {
                throw HostError(
                    "\(id): 'kind' must be one of \(kindNames.joined(separator: ", ")), got \(describe(table["kind"]))")
            }
            var indicator = Indicator(id: id, label: label, kind: kind)
            if kind == .scale {
                let low = table["min"] == .nil ? 1 : table["min"].integerValue
                let high = table["max"] == .nil ? 5 : table["max"].integerValue
                guard let low, let high, low >= 0, high <= 10, high - low >= 1 else {
                    throw HostError(
                        "\(id): a scale's 'min' and 'max' must be whole numbers from 0 to 10, min below max, like min = 1, max = 7"
                    )
                }
                indicator.min = Int(low)
                indicator.max = Int(high)
                indicator.low =
                    try table["low"] == .nil ? ["da": "Lidt", "en": "Little"] : texts(table["low"], "\(id): 'low'")
                indicator.high =
                    try table["high"] == .nil ? ["da": "Meget", "en": "Much"] : texts(table["high"], "\(id): 'high'")
            } else {
                for field in ["min", "max", "low", "high"] where table[field] != .nil {
                    throw HostError("\(id): '\(field)' belongs to a scale, and this is a \(kindName)")
                }
            }
            indicators.append(indicator)
        }
        return indicators
    }

    /// `{ da = "…", en = "…" }` or one text for both.
    private static func texts(_ value: LuaValue, _ what: String) throws(HostError) -> [String: String] {
        let limit = SessionLimits.titleBytes
        if let text = value.text, !text.isEmpty, text.utf8.count <= limit { return ["da": text, "en": text] }
        guard case .table(let table) = value, table.array.isEmpty, !table.fields.isEmpty else {
            throw HostError("\(what) must be a text or { da = \"…\", en = \"…\" }, got \(describe(value))")
        }
        var texts: [String: String] = [:]
        for field in table.fields {
            guard let language = field.key.text, ["da", "en"].contains(language) else {
                throw HostError("\(what): the languages are da and en, got \(describe(field.key))")
            }
            guard let text = field.value.text, !text.isEmpty, text.utf8.count <= limit else {
                throw HostError("\(what).\(language) must be a text of 1 to \(limit) bytes")
            }
            texts[language] = text
        }
        return texts
    }
}

extension LuaValue {
    var integerValue: Int64? {
        switch self {
        case .integer(let i): i
        case .number(let d) where d == d.rounded() && abs(d) < 1e15: Int64(d)
        default: nil
        }
    }
}
