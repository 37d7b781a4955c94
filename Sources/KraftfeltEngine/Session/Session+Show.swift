import KraftfeltLua

extension Session {
    /// `s:show(content, to)`: typed content on the screens of `to` (default: the beamer and
    /// every phone for `s`, the group's phones for `g`).
    func show(_ call: HostCall) throws -> HostResult {
        let value = try call.value(1)
        let content = try showContent(value)
        let to: LuaValue? = call.isNil(2) ? Optional.none : try call.value(2)
        var audience = try showAudience(to, handle: try call.value(0))
        if case .people(let given) = audience {
            // A group's flow shows only to who is in its group now, as it asks and gives roles.
            let ids = notMovedAway(given, "not shown")
            guard !ids.isEmpty else { return .none }
            audience = .people(ids)
        }
        shownCount += 1
        let item = Shown(number: shownCount, content: content, at: clock.now)
        var prefix = "show"
        switch audience {
        case .everyone: shownToEveryone = item
        case .screen:
            shownOnScreen = item
            prefix = "show on the screen"
        case .people(let ids):
            for id in ids { shownToPerson[id] = item }
            if call.isNil(2), runningThread.flatMap({ threads[$0]?.group }) != nil {
                break  // a group's own show: the transcript marks the group already
            }
            prefix = ids.count == 1 ? "show to \(name(of: ids[0]))" : "show to \(ids.count) people"
        }
        note(prefix + ": " + shownText(content, value))
        return .none
    }

    /// What the transcript says of a show: a chart by its bars, anything else as its text.
    private func shownText(_ content: ShowContent, _ value: LuaValue) -> String {
        guard case .chart(let chart) = content else { return render(value) }
        let bars = chart.bars.map { "\($0.label) \(Self.number($0.value))" }
        let ties = chart.ties.map { "\($0.from)–\($0.to) \($0.count)" }
        let title = chart.title.map { " \"\($0)\"" } ?? ""
        return Self.clip("\(chart.kind.rawValue) chart\(title): " + (bars + ties).joined(separator: ", "))
    }

    /// Who sees a show: `"screen"`, `"everyone"`, `s.everyone`, `g.everyone`, a person or a
    /// list of people; nil means everyone for `s` and the group for `g`.
    private func showAudience(_ value: LuaValue?, handle: LuaValue) throws(HostError) -> ShowAudience {
        let usage = "'to' must be \"screen\", \"everyone\", s.everyone, g.everyone, a person or a list of people"
        guard let value, value != LuaValue.nil else {
            let everyone = handle.tableValue?["everyone"].tableValue
            if let everyone, everyone["kind"].text == "group" {
                return .people(try parseAudience(.table(everyone)).ids)
            }
            return .everyone
        }
        switch value.text {
        case "screen": return .screen
        case "everyone": return .everyone
        case nil: break
        default: throw HostError(usage + ", got \(describe(value))")
        }
        guard case .table(let table) = value else { throw HostError(usage + ", got \(describe(value))") }
        if table["kind"].text == "everyone" { return .everyone }
        let (people, _) = try parseAudience(value)
        let known = people.filter { participantIndex[$0] != nil }
        guard !known.isEmpty, known.count == people.count else {
            throw HostError("'to' must name people of this session, got \(describe(value))")
        }
        return .people(known)
    }

    /// The typed content of what a script shows; a table that fits no kind is shown as its text.
    func showContent(_ value: LuaValue) throws(HostError) -> ShowContent {
        guard case .table(let table) = value else { return .text(render(value)) }
        if table["chart"] != .nil {
            let content = ShowContent.chart(try chart(table))
            guard Self.size(of: content) <= SessionLimits.shownBytes else {
                throw HostError(
                    "a chart's labels and areas can have at most \(SessionLimits.bytes(SessionLimits.shownBytes)) of text"
                )
            }
            return content
        }
        if table["da"] != .nil || table["en"] != .nil { return .text(Self.clip(text(value))) }
        let items = table.array
        // An empty table, or a list longer than a screen can take, is shown as its text
        // (cut at 4 KB like every entry).
        guard !items.isEmpty, items.count <= SessionLimits.shownItems else { return .text(render(value)) }
        let content = typedList(items)
        guard Self.size(of: content) <= SessionLimits.shownBytes else { return .text(render(value)) }
        return content
    }

    private func typedList(_ items: [LuaValue]) -> ShowContent {
        if let people = Self.every(items.map(person)) { return .people(people) }
        if let pairs = Self.every(items.map(pair)) { return .pairs(pairs) }
        var members = 0
        let groups = items.enumerated().map { offset, item -> GroupRef? in
            guard let list = item.tableValue?["members"].tableValue?.array,
                members + list.count <= SessionLimits.shownItems,
                let people = Self.every(list.map(person))
            else { return nil }
            members += list.count
            let index = item.tableValue?["index"].integerValue.map { Int(clamping: $0) } ?? offset + 1
            return GroupRef(index: index, members: people)
        }
        if let groups = Self.every(groups) { return .groups(groups) }
        return .list(items.map { Self.clip(text($0).isEmpty ? render($0) : text($0)) })
    }

    /// Bytes of text in shown content (what every screen that shows it receives).
    static func size(of content: ShowContent) -> Int {
        func person(_ p: PersonRef) -> Int { p.id.utf8.count + p.name.utf8.count + p.area.utf8.count }
        switch content {
        case .text(let text): return text.utf8.count
        case .list(let items): return items.reduce(0) { $0 + $1.utf8.count }
        case .people(let people): return people.reduce(0) { $0 + person($1) }
        case .groups(let groups): return groups.reduce(0) { $0 + $1.members.reduce(0) { $0 + person($1) } }
        case .pairs(let pairs):
            return pairs.reduce(0) { $0 + person($1.asker) + person($1.helper) + $1.question.utf8.count }
        case .chart(let chart):
            return chart.bars.reduce(0) { $0 + $1.label.utf8.count }
                + chart.ties.reduce(0) {
                    $0 + $1.from.utf8.count + $1.to.utf8.count
                }
        }
    }

    /// The values when none is nil.
    static func every<T>(_ values: [T?]) -> [T]? {
        var all: [T] = []
        all.reserveCapacity(values.count)
        for value in values {
            guard let value else { return nil }
            all.append(value)
        }
        return all
    }

    /// A person of this session from a record a script passes (`{ id = … }`).
    private func person(_ value: LuaValue) -> PersonRef? {
        guard let id = value.tableValue?["id"].text, let index = participantIndex[id] else { return nil }
        let p = participants[index]
        return PersonRef(id: p.id, name: p.name, area: p.area)
    }

    private func pair(_ value: LuaValue) -> PairRef? {
        guard let table = value.tableValue, let asker = person(table["asker"]), let helper = person(table["helper"])
        else { return nil }
        return PairRef(
            asker: asker, helper: helper, question: Self.clip(table["question"].text ?? ""),
            across: asker.area != helper.area)
    }

    /// `{ chart = "distribution" | "counts" | "before_after" | "ties", … }`.
    private func chart(_ table: LuaTable) throws(HostError) -> Chart {
        try checkOptions(table, HostOptions.chart)
        let kinds = Chart.Kind.allCases.map(\.rawValue).joined(separator: ", ")
        guard let name = table["chart"].text, let kind = Chart.Kind(rawValue: name) else {
            throw HostError("'chart' must be one of \(kinds), got \(describe(table["chart"]))")
        }
        let title = table["title"] == .nil ? nil : label(table["title"])
        switch kind {
        case .distribution:
            let low = table["min"].integerValue ?? 1
            let high = table["max"].integerValue ?? 5
            let bound = Int64(SessionLimits.scaleBound)
            guard low >= -bound, high <= bound, low < high, high - low <= Int64(SessionLimits.scaleSteps) else {
                throw HostError(
                    "a distribution runs over whole numbers from 'min' to a higher 'max', at most "
                        + "\(SessionLimits.scaleSteps) apart, got \(describe(table["min"])) to \(describe(table["max"]))"
                )
            }
            var counts = [Int](repeating: 0, count: Int(high - low) + 1)
            for value in try answerValues(table, chart: name) {
                guard let n = value.integerValue, n >= low, n <= high else { continue }
                counts[Int(n - low)] += 1
            }
            return Chart(
                kind: kind, title: title,
                bars: counts.enumerated().map {
                    .init(label: String(low + Int64($0.offset)), value: Double($0.element))
                })
        case .counts:
            var order: [String] = []
            var counts: [String: Int] = [:]
            let given = table["options"].tableValue?.array.compactMap(\.text) ?? []
            for option in given.prefix(SessionLimits.options).map(Self.clip) where counts[option] == nil {
                order.append(option)
                counts[option] = 0
            }
            for value in try answerValues(table, chart: name) {
                // A list answer (choices, a ranking) counts each of its options; a person once.
                let list = value.tableValue?.array ?? []
                let chosen = list.isEmpty ? [value] : list
                for option in chosen {
                    let label = Self.clip(option.tableValue?["name"].text ?? text(option))
                    if counts[label] == nil {
                        guard order.count < SessionLimits.options else { continue }
                        order.append(label)
                    }
                    counts[label, default: 0] += 1
                }
            }
            return Chart(kind: kind, title: title, bars: order.map { .init(label: $0, value: Double(counts[$0]!)) })
        case .beforeAfter:
            guard let before = table["before"].numberValue, let after = table["after"].numberValue,
                before.isFinite, after.isFinite
            else {
                throw HostError(
                    "a before_after chart needs the numbers 'before' and 'after', got \(describe(table["before"])) "
                        + "and \(describe(table["after"]))")
            }
            let labels = table["labels"].tableValue?.array.map { label($0) } ?? []
            return Chart(
                kind: kind, title: title,
                bars: [
                    .init(label: labels.first ?? (definition.language == "da" ? "Før" : "Before"), value: before),
                    .init(
                        label: labels.dropFirst().first ?? (definition.language == "da" ? "Efter" : "After"),
                        value: after),
                ])
        case .ties:
            guard let list = table["pairs"].tableValue?.array else {
                throw HostError("a ties chart needs 'pairs': what s:match returned")
            }
            var areas: [String] = []
            var counts: [String: [String: Int]] = [:]
            for case let pair? in list.prefix(SessionLimits.shownItems).map(pair) where pair.across {
                for area in [pair.asker.area, pair.helper.area] where !areas.contains(area) { areas.append(area) }
                let (a, b) =
                    areas.firstIndex(of: pair.asker.area)! < areas.firstIndex(of: pair.helper.area)!
                    ? (pair.asker.area, pair.helper.area) : (pair.helper.area, pair.asker.area)
                counts[a, default: [:]][b, default: 0] += 1
            }
            var ties: [Chart.Tie] = []
            for a in areas {
                for b in areas { if let n = counts[a]?[b] { ties.append(.init(from: a, to: b, count: n)) } }
            }
            return Chart(kind: kind, title: title, ties: ties)
        }
    }

    /// The values of `answers` (what `s:ask` returned: `{ who, value }`), or of `values`.
    /// Text in a chart goes to every screen that shows it, so its labels are capped.
    private func answerValues(_ table: LuaTable, chart: String) throws(HostError) -> [LuaValue] {
        if let answers = table["answers"].tableValue {
            return answers.array.prefix(SessionLimits.shownItems).map { $0.tableValue?["value"] ?? .nil }
        }
        if let values = table["values"].tableValue { return Array(values.array.prefix(SessionLimits.shownItems)) }
        throw HostError("a \(chart) chart needs 'answers' (what s:ask returned) or a list of 'values'")
    }

    /// `s:set_role(people, role, { listen_only = true })`: the role their phones show; a
    /// listen-only person is asked nothing while the role lasts. A nil role clears it.
    func setRole(_ call: HostCall) throws -> HostResult {
        let usage = "'people' must be a person, a group's g.everyone or a list of people of this session"
        let given = try call.value(1)
        if case .table(let list) = given, list.array.isEmpty, list.fields.isEmpty {
            note("role for nobody (an empty list)")
            return .none
        }
        guard let (people, _) = try? parseAudience(given) else { throw HostError(usage) }
        let known = people.filter { participantIndex[$0] != nil }
        guard !known.isEmpty, known.count == people.count else { throw HostError(usage) }
        // People who left get no role: a role is for someone in the room.
        let gone = known.filter { !present.contains($0) }
        if !gone.isEmpty {
            note("\(gone.map(name(of:)).joined(separator: ", ")) \(gone.count == 1 ? "has" : "have") left: no role")
        }
        let ids = notMovedAway(known.filter { present.contains($0) }, "no role")
        guard !ids.isEmpty else { return .none }
        let options = try call.value(3).tableValue ?? LuaTable()
        try checkOptions(options, HostOptions.role)
        switch options["listen_only"] {
        case .nil, .boolean: break
        default:
            throw HostError("'listen_only' must be true or false, got \(describe(options["listen_only"]))")
        }
        let listenOnly = options["listen_only"] == .boolean(true)
        if call.isNil(2) {
            for id in ids { roles.removeValue(forKey: id) }
            excuse(ids, false)
            note("role cleared for \(ids.count == 1 ? name(of: ids[0]) : "\(ids.count) people")")
            return .none
        }
        let role = label(try call.value(2))
        guard !role.isEmpty, role.utf8.count <= SessionLimits.roleBytes else {
            throw HostError("'role' must be a name of 1 to \(SessionLimits.roleBytes) bytes")
        }
        for id in ids { roles[id] = RoleView(name: role, listenOnly: listenOnly) }
        excuse(ids, listenOnly)
        let who = ids.count == 1 ? name(of: ids[0]) : "\(ids.count) people"
        note("role \(role)\(listenOnly ? " (listen only)" : ""): \(who)")
        return .none
    }

    /// Open questions stop (or start again) waiting for people who only listen; a question
    /// left waiting for nobody closes when the step ends.
    func excuse(_ ids: [String], _ excuse: Bool) {
        for askID in askIDs {
            for id in ids { asks[askID]?.excuse(id, excuse, present: present.contains(id)) }
        }
    }

    /// True when a person's role says they only listen (they are asked nothing).
    func listensOnly(_ id: String) -> Bool { roles[id]?.listenOnly == true }
}
