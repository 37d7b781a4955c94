import KraftfeltLua

extension Session {
    /// A question from the table a script passes to `s:ask`, with every option checked, so
    /// that what the session accepts as answers and what rehearsal bots answer agree.
    func parseQuestion(_ table: LuaTable) throws(HostError) -> Question {
        try checkOptions(table, HostOptions.question)
        let kindText = table["kind"].text ?? "text"
        guard table["kind"] == .nil || table["kind"].text != nil, let kind = Question.Kind(rawValue: kindText) else {
            let kinds = Question.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            throw HostError("'kind' must be one of \(kinds), got \(describe(table["kind"]))")
        }
        var prompt: [String: String] = [:]
        for language in ["da", "en"] { if let text = table[language].text { prompt[language] = text } }
        guard !prompt.isEmpty else { throw HostError("the question needs a text in da or en") }
        guard prompt.values.allSatisfy({ $0.utf8.count <= SessionLimits.promptBytes }) else {
            throw HostError("a question's text can have at most \(SessionLimits.promptBytes) bytes")
        }
        let options = [.choice, .choices, .rank, .vote].contains(kind) ? try parseOptions(table, kind) : []
        var range: ClosedRange<Double>? = nil
        if kind == .scale {
            range = try scaleRange(table)
        } else if kind == .number {
            range = try numberRange(table)
        } else if kind == .list {
            guard table["options"] == .nil else {
                throw HostError("a list question takes no 'options': people write their own items")
            }
            guard table["scale"] == .nil else {
                throw HostError("a list question takes 'min' and 'max' (how many items), not 'scale'")
            }
            range = try listRange(table)
        }
        var time: Int64? = nil
        if table["time"] != .nil {
            guard let text = table["time"].text, let ms = DurationText.milliseconds(text) else {
                throw HostError("'time' must be a duration like \"3m\", got \(describe(table["time"]))")
            }
            time = ms
        }
        switch table["together"] {
        case .nil, .boolean: break
        default: throw HostError("'together' must be true or false, got \(describe(table["together"]))")
        }
        var question = Question(
            kind: kind, prompt: prompt, options: options, range: range, time: time,
            botAnswers: try parseBotAnswers(table["bot_answers"]))
        question.together = table["together"] == .boolean(true)
        return question
    }

    /// A list of options, or `{ da = { … }, en = { … } }`: texts (or numbers), each once.
    private func parseOptions(_ table: LuaTable, _ kind: Question.Kind) throws(HostError) -> [String] {
        let list = table["options"].tableValue
        let localized = list?[definition.language].tableValue ?? list?["da"].tableValue ?? list
        let items = localized?.array ?? []
        guard !items.isEmpty else {
            throw HostError("a \(kind.rawValue) question needs 'options', like { \"a\", \"b\" }")
        }
        guard items.count <= SessionLimits.options else {
            throw HostError(
                "'options' can have at most \(SessionLimits.options) options of \(SessionLimits.optionBytes) bytes "
                    + "each, got \(items.count) options")
        }
        var options: [String] = []
        for (offset, item) in items.enumerated() {
            guard let option = item.text ?? item.numberValue.map(Self.number) else {
                throw HostError("option \(offset + 1) of 'options' must be a text or a number, got \(describe(item))")
            }
            guard option.utf8.count <= SessionLimits.optionBytes else {
                throw HostError(
                    "'options' can have at most \(SessionLimits.options) options of \(SessionLimits.optionBytes) "
                        + "bytes each, got \(option.utf8.count) bytes in option \(offset + 1)")
            }
            options.append(option)
        }
        var seen: Set<String> = []
        if let twice = options.first(where: { !seen.insert($0).inserted }) {
            throw HostError("'options' has \(describe(.string(twice))) twice; each option can be there once")
        }
        return options
    }

    /// A scale's points: whole numbers from `min` (default 1) to `max` (or `scale`; default 5).
    private func scaleRange(_ table: LuaTable) throws(HostError) -> ClosedRange<Double> {
        let upperName = table["max"] == .nil && table["scale"] != .nil ? "scale" : "max"
        let low = try scaleBound(table, "min", default: 1)
        let high = try scaleBound(table, upperName, default: 5)
        guard low < high else {
            throw HostError("a scale runs from 'min' to a higher '\(upperName)', got \(low) to \(high)")
        }
        guard high - low <= Int64(SessionLimits.scaleSteps) else {
            throw HostError(
                "a scale has at most \(SessionLimits.scaleSteps + 1) points ('\(upperName)' at most "
                    + "\(SessionLimits.scaleSteps) above 'min'), got \(low) to \(high)")
        }
        return Double(low)...Double(high)
    }

    private func scaleBound(_ table: LuaTable, _ name: String, default value: Int64) throws(HostError) -> Int64 {
        let given = table[name]
        guard given != .nil else { return value }
        let bound = Int64(SessionLimits.scaleBound)
        guard let whole = given.integerValue, (-bound...bound).contains(whole) else {
            throw HostError(
                "a scale's '\(name)' must be a whole number from -\(bound) to \(bound), got \(describe(given))")
        }
        return whole
    }

    /// A list question's number of items: whole numbers `min` (default 1) to `max` (default
    /// 10), at most ``SessionLimits/listItems``.
    private func listRange(_ table: LuaTable) throws(HostError) -> ClosedRange<Double> {
        let limit = SessionLimits.listItems
        var bounds: [Int64] = []
        for (name, value) in [("min", Int64(1)), ("max", Int64(SessionLimits.listItemsDefault))] {
            let given = table[name]
            guard given != .nil else {
                bounds.append(value)
                continue
            }
            guard let whole = given.integerValue, (1...Int64(limit)).contains(whole) else {
                throw HostError(
                    "a list's '\(name)' must be a whole number of items from 1 to \(limit), got \(describe(given))")
            }
            bounds.append(whole)
        }
        let (low, high) = (bounds[0], table["max"] == .nil ? max(bounds[0], bounds[1]) : bounds[1])
        guard low <= high else {
            throw HostError("a list's 'min' (\(low) items) must not be above its 'max' (\(high) items)")
        }
        return Double(low)...Double(high)
    }

    /// A number question's range: `min` and `max` are optional, finite and bounded, so that
    /// every answer in the range is one the session accepts and a bot can give.
    private func numberRange(_ table: LuaTable) throws(HostError) -> ClosedRange<Double>? {
        let low = try numberBound(table, "min")
        let high = try numberBound(table, "max")
        if let low, let high, !(low < high) {
            throw HostError("'max' must be a number above 'min', got \(Self.number(high)) (min \(Self.number(low)))")
        }
        guard low != nil || high != nil else { return nil }
        return (low ?? -SessionLimits.numberBound)...(high ?? SessionLimits.numberBound)
    }

    private func numberBound(_ table: LuaTable, _ name: String) throws(HostError) -> Double? {
        let given = table[name]
        guard given != .nil else { return nil }
        let bound = SessionLimits.numberBound
        guard let number = given.numberValue, number.isFinite, abs(number) <= bound else {
            throw HostError(
                "'\(name)' must be a number from -\(Self.number(bound)) to \(Self.number(bound)), "
                    + "got \(describe(given))")
        }
        return number
    }

    /// What bots may answer to a text question: answers the session would accept.
    private func parseBotAnswers(_ value: LuaValue) throws(HostError) -> [String] {
        guard value != .nil else { return [] }
        guard case .table(let samples) = value else {
            throw HostError("'bot_answers' must be a list of sample answers, got \(describe(value))")
        }
        let list = samples[definition.language].tableValue ?? samples["da"].tableValue ?? samples
        guard list.array.count <= SessionLimits.botAnswers else {
            throw HostError(
                "'bot_answers' can have at most \(SessionLimits.botAnswers) answers, got \(list.array.count)")
        }
        var answers: [String] = []
        for (offset, item) in list.array.enumerated() {
            guard let answer = item.text, (try? validate(.text(answer), for: Self.textQuestion)) != nil else {
                throw HostError(
                    "answer \(offset + 1) of 'bot_answers' must be a text of 1 to 2000 characters, "
                        + "got \(describe(item))")
            }
            answers.append(answer)
        }
        return answers
    }

    /// A text question, to check sample answers with the rule for real ones.
    private static let textQuestion = Question(
        kind: .text, prompt: [:], options: [], range: nil, time: nil, botAnswers: [])
}
