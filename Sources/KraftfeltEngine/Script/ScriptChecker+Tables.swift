import KraftfeltLua

extension ScriptChecker {
    /// The options whose values are one of a few names, and those names, from the types
    /// the engine reads them into.
    static let choices: [String: [String: [String]]] = [
        HostOptions.question.typeName: ["kind": Question.Kind.allCases.map(\.rawValue)],
        HostOptions.chart.typeName: ["chart": Chart.Kind.allCases.map(\.rawValue)],
        HostOptions.parameter.typeName: ["type": ExerciseParameters.types],
    ]

    /// A table constructor given where a host call takes a table of named options.
    mutating func checkOptions(_ table: LuaSyntax.Table, _ options: HostOptionTable, prefix: String) {
        let plural = options.what.split(separator: " ").dropFirst().joined(separator: " ") + "s"
        let known = "the \(plural) are \(options.names.joined(separator: ", "))"
        var listed = false
        for field in table.fields {
            if field.isListItem {
                if !listed {
                    report(
                        at: field.keyToken,
                        "\(prefix): the \(plural) must be named, like { \(options.names.first ?? "name") = … }",
                        hint: known)
                }
                listed = true
                continue
            }
            // `kind` is the field kf.exercise adds itself.
            guard let key = field.key, !(options.typeName == HostOptions.exercise.typeName && key == "kind") else {
                continue
            }
            guard let option = options.option(key) else {
                let guess = HostOptions.nearest(key, in: options.names).map { ": did you mean '\($0)'?" } ?? ""
                report(at: field.keyToken, "\(prefix): '\(key)' is not \(options.what)\(guess)", hint: known)
                continue
            }
            checkValue(field.value, of: option, in: options, prefix: prefix)
            if case .table(let open) = field.value.value, let inner = syntax.table(at: open) {
                context[open] = context[open] ?? prefix
                if options.typeName == HostOptions.question.typeName && key == "options" {
                    checkDistinct(inner, prefix: prefix)
                } else if options.typeName == HostOptions.exercise.typeName && key == "parameters" {
                    checkParameters(inner, prefix: prefix)
                }
            }
        }
    }

    /// A literal option value of the wrong kind, or not one of the names it can be.
    private mutating func checkValue(
        _ value: LuaSyntax.Expression, of option: HostOption, in options: HostOptionTable, prefix: String
    ) {
        let hint = "'\(option.name)' is \(option.summary)"
        if case .string(let text) = value.value, let names = Self.choices[options.typeName]?[option.name],
            !names.contains(text)
        {
            let guess = HostOptions.nearest(text, in: names).map { ": did you mean \"\($0)\"?" } ?? ""
            report(
                at: value.first,
                "\(prefix): '\(option.name)' must be one of \(names.joined(separator: ", ")), got \(shown(value))\(guess)",
                hint: hint)
            return
        }
        let wrong: Bool
        switch (option.kind, value.value) {
        case (_, .other), (_, .nil), (.any, _): wrong = false
        case (.string, .string), (.text, .string), (.text, .table), (.table, .table), (.function, .function),
            (.boolean, .boolean):
            wrong = false
        case (.integer, .number(let n, let integer)): wrong = !integer && n.map { $0.rounded() != $0 } ?? true
        case (.number, .number): wrong = false
        case (.number, .string(let text)): wrong = Double(text) == nil
        case (.duration, .string(let text)): wrong = DurationText.milliseconds(text) == nil
        default: wrong = true
        }
        guard wrong else { return }
        report(
            at: value.first, "\(prefix): '\(option.name)' must be \(Self.phrase(option.kind)), got \(shown(value))",
            hint: hint)
    }

    static func phrase(_ kind: HostOption.Kind) -> String {
        switch kind {
        case .string: "a string"
        case .integer: "an integer"
        case .number: "a number"
        case .boolean: "true or false"
        case .duration: "a duration like \"3m\""
        case .text: "a text or { da = …, en = … }"
        case .table: "a table"
        case .function: "a function"
        case .any: "a value"
        }
    }

    /// A choice question's options, each once (in each language's list).
    private mutating func checkDistinct(_ table: LuaSyntax.Table, prefix: String) {
        var lists = [table]
        for field in table.fields where field.key == "da" || field.key == "en" {
            if case .table(let open) = field.value.value, let list = syntax.table(at: open) { lists.append(list) }
        }
        for list in lists {
            var seen: Set<String> = []
            for field in list.fields where field.isListItem {
                let option: String
                switch field.value.value {
                case .string(let text): option = text
                case .number: option = shown(field.value)
                default: continue
                }
                if !seen.insert(option).inserted {
                    report(
                        at: field.value.first, "\(prefix): 'options' has \(shown(field.value)) twice",
                        hint: "give each option once: people could not tell the two apart")
                }
            }
        }
    }

    /// `parameters = { rounds = { type = "integer", default = 3 } }`.
    private mutating func checkParameters(_ table: LuaSyntax.Table, prefix: String) {
        var names: [(name: String, token: Int)] = []
        for field in table.fields {
            guard let name = field.key, case .table(let open) = field.value.value, let spec = syntax.table(at: open)
            else { continue }
            names.append((name, field.keyToken))
            let about = "\(prefix): parameter '\(name)'"
            let before = found.count
            checkOptions(spec, HostOptions.parameter, prefix: about)
            // A misspelt field was reported; that it is then missing says the same again.
            guard found.count == before else { continue }
            guard let type = spec.field("type") else {
                report(
                    at: field.keyToken, "\(about) has no 'type'",
                    hint: "add type = \"integer\" (or \(ExerciseParameters.types.dropFirst().joined(separator: ", ")))")
                continue
            }
            guard let given = spec.field("default") else {
                report(
                    at: field.keyToken, "\(about) has no default",
                    hint: "add default = …: what a session gets unless it is started with --param \(name)=…")
                continue
            }
            guard case .string(let typeName) = type.value.value, let value = literal(given.value) else { continue }
            if !ExerciseParameters.fits(value, typeName) {
                report(
                    at: given.value.first,
                    "\(about): 'default' must be \(ExerciseParameters.phrase(typeName)), got \(shown(given.value))",
                    hint: "the default is the value of s.params.\(name) when the session is not given one")
            }
        }
        declared = (declared ?? []) + names
    }

    /// The value of a literal, as the script would hand it over.
    private func literal(_ expression: LuaSyntax.Expression) -> LuaValue? {
        switch expression.value {
        case .string(let text): .string(text)
        case .number(let n?, true): Int64(exactly: n).map { .integer($0) } ?? .number(n)
        case .number(let n?, false): .number(n)
        case .boolean(let b): .boolean(b)
        case .nil: .nil
        default: nil
        }
    }

    /// Every table constructor: a field given twice, a text in one language only.
    mutating func checkTables() {
        if declared == nil, isExercise { declared = [] }
        for open in syntax.tokens.indices where syntax.tokens[open].isSymbol("{") {
            guard let table = syntax.table(at: open) else { continue }
            let prefix = context[open].map { "\($0): " } ?? ""
            var seen: [String: Int] = [:]
            for field in table.fields {
                guard let key = field.key else { continue }
                if let first = seen[key] {
                    report(
                        at: field.keyToken, "\(prefix)'\(key)' is given twice in this table",
                        hint:
                            "Lua keeps only the last one; remove one of them (the first is at line \(syntax[first].line))"
                    )
                } else {
                    seen[key] = field.keyToken
                }
            }
            let da = table.field("da")
            let en = table.field("en")
            if (da == nil) != (en == nil) {
                let (has, lacks) = da != nil ? ("Danish (da)", "English (en)") : ("English (en)", "Danish (da)")
                let missing = da != nil ? "en" : "da"
                report(
                    at: open, "\(prefix)the text has \(has) but no \(lacks)",
                    hint: "add \(missing) = \"…\": every text a participant sees is in Danish and English")
            }
        }
    }

    /// True when the script declares an exercise (`kf.exercise { … }`), so its parameters
    /// are known (none when it declares none).
    var isExercise: Bool {
        syntax.tokens.indices.contains { i in
            syntax.tokens[i].isName("kf") && syntax.symbol(i + 1, ".") && syntax[i + 2].isName("exercise")
                && syntax.symbol(i + 3, "{")
        }
    }
}
