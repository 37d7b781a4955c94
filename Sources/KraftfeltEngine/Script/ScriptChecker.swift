import KraftfeltLua

/// The checks of ``ScriptCheck`` on a chunk Lua has accepted: host calls here, tables in
/// `ScriptChecker+Tables.swift`.
struct ScriptChecker {
    let syntax: LuaSyntax
    let catalog: HostCatalog
    var found: [ScriptDiagnostic] = []
    /// The call a table constructor is given to (`'s:timer'`), for messages about it.
    var context: [Int: String] = [:]
    /// The tokens that name the session handle in a `handle:name` call (see `ScriptChecker+Scopes.swift`).
    var handles: Set<Int> = []
    /// The parameters `kf.exercise` declares, when it declares them in a table constructor.
    var declared: [(name: String, token: Int)]? = nil

    init(syntax: LuaSyntax, catalog: HostCatalog) {
        self.syntax = syntax
        self.catalog = catalog
    }

    var tokens: [LuaToken] { syntax.tokens }

    mutating func run() {
        handles = handleUses()
        checkCalls()
        checkTables()
        checkParameterReads()
    }

    mutating func report(
        _ severity: ScriptDiagnostic.Severity = .error, at index: Int, _ message: String, hint: String
    ) {
        let token = syntax[index]
        found.append(ScriptDiagnostic(severity, line: token.line, column: token.column, message, hint: hint))
    }

    /// Every `kf.name` and every `s:name(…)`.
    private mutating func checkCalls() {
        for i in tokens.indices {
            guard let name = tokens[i].name, i + 2 < tokens.count, !syntax.symbol(i - 1, "."),
                !syntax.symbol(i - 1, ":"), tokens[i + 2].name != nil
            else { continue }
            if name == "kf" && syntax.symbol(i + 1, ".") {
                checkCall(at: i + 2, prefix: "kf.", what: "kf", functions: catalog.kf)
            } else if handles.contains(i) {
                checkCall(at: i + 2, prefix: "\(name):", what: "session", functions: catalog.session)
            }
        }
    }

    private mutating func checkCall(at index: Int, prefix: String, what: String, functions: [HostCatalog.Function]) {
        let name = tokens[index].name ?? ""
        let called = "'\(prefix)\(name)'"
        let names = functions.map(\.name)
        guard let function = functions.first(where: { $0.name == name }) else {
            let guess = HostOptions.nearest(name, in: names).map { ": did you mean '\(prefix)\($0)'?" } ?? ""
            report(
                at: index, "\(called) is not a \(what) function\(guess)",
                hint: "the \(what) functions are \(names.joined(separator: ", "))")
            return
        }
        guard let arguments = syntax.arguments(at: index + 1) else { return }
        checkCount(arguments, of: function, prefix: prefix, at: index)
        for (offset, argument) in arguments.enumerated() where offset < function.parameters.count {
            let parameter = function.parameters[offset]
            checkArgument(
                argument, parameter, position: offset + 1, called: called, signature: function.signature(prefix))
            guard case .table(let open) = argument.value, let table = syntax.table(at: open) else { continue }
            context[open] = called
            for options in HostOptions.all where options.functions.contains(name) && options.argument == offset + 1 {
                // A parameter that takes other things too (s:show's content: a text, people, a
                // chart) is this table when it names the table's first option (`chart = …`),
                // or names others of its options and is no text in languages.
                let keys = Set(table.fields.compactMap(\.key))
                let isThis =
                    parameter.type.name == "table" || keys.contains(options.options.first?.name ?? "")
                    || (!keys.isDisjoint(with: options.names) && !keys.contains("da") && !keys.contains("en"))
                guard isThis else { continue }
                checkOptions(table, options, prefix: called)
            }
        }
    }

    private mutating func checkCount(
        _ arguments: [LuaSyntax.Expression], of function: HostCatalog.Function, prefix: String, at index: Int
    ) {
        let count = arguments.count
        let most = function.parameters.count
        let least = function.minimum
        let tooMany = !function.isVariadic && count > most
        let tooFew = count < least && !(arguments.last?.mayBeSeveral ?? false)
        guard tooMany || tooFew else { return }
        let takes =
            least == most || function.isVariadic
            ? "\(function.isVariadic ? "at least " : "")\(least) argument\(least == 1 ? "" : "s")"
            : "\(least) to \(most) arguments"
        report(
            at: index, "'\(prefix)\(function.name)' takes \(takes), got \(count)",
            hint: "call it as \(function.signature(prefix))")
    }

    /// A literal argument of the wrong type for its parameter.
    private mutating func checkArgument(
        _ argument: LuaSyntax.Expression, _ parameter: Parameter, position: Int, called: String, signature: String
    ) {
        let type = parameter.type.name
        var wanted = parameter.type.phrase
        var wrong: Bool
        switch argument.value {
        case .other: wrong = false
        case .nil: wrong = !parameter.isOptional && type != "any"
        case .string(let text):
            wrong =
                ["table", "boolean", "function"].contains(type) || (type == "number" && Double(text) == nil)
                || (type == "integer" && Int64(text) == nil)
            // A duration is a string the host reads as one ("10m").
            if type == "string" && parameter.name == "duration" && DurationText.milliseconds(text) == nil {
                wrong = true
            }
        case .number(let value, let integer):
            wrong =
                ["string", "table", "boolean", "function"].contains(type)
                || (type == "integer" && !integer && value.map { $0.rounded() != $0 } ?? true)
        case .boolean: wrong = !["boolean", "any"].contains(type)
        case .table: wrong = !["table", "any"].contains(type)
        case .function: wrong = !["function", "any"].contains(type)
        }
        guard wrong else { return }
        if type == "string" && parameter.name == "duration" { wanted = "a duration like \"3m\"" }
        let about = parameter.summary.isEmpty ? "" : "; \(parameter.name): \(parameter.summary)"
        report(
            at: argument.first,
            "\(called): argument \(position) '\(parameter.name)' must be \(wanted), got \(shown(argument))",
            hint: "call it as \(signature)\(about)")
    }

    /// A literal as messages show it: `3`, `"abc"`, `a table`.
    func shown(_ expression: LuaSyntax.Expression) -> String {
        switch expression.value {
        case .string(let text):
            let clipped = text.count > 40 ? String(text.prefix(40)) + "…" : text
            return "\"\(clipped)\""
        case .number:
            let minus = syntax[expression.first].isSymbol("-") ? "-" : ""
            return minus + syntax[expression.first + (minus.isEmpty ? 0 : 1)].text
        case .boolean(let b): return b ? "true" : "false"
        case .nil: return "nil"
        case .table: return "a table"
        case .function: return "a function"
        case .other: return "an expression"
        }
    }

    /// `s.params.name` read but not declared; declared but never read.
    private mutating func checkParameterReads() {
        guard let declared else { return }
        let names = declared.map(\.name)
        var read: Set<String> = []
        var readOtherwise = false
        var misread = false
        for i in tokens.indices where tokens[i].isName("params") && syntax.symbol(i - 1, ".") {
            guard syntax.symbol(i + 1, "."), let name = syntax[i + 2].name, i + 2 < tokens.count else {
                readOtherwise = true
                continue
            }
            read.insert(name)
            guard !names.contains(name) else { continue }
            misread = true
            let guess = HostOptions.nearest(name, in: names).map { ": did you mean '\($0)'?" } ?? ""
            report(
                at: i + 2, "'\(name)' is not a parameter of this exercise\(guess)",
                hint: names.isEmpty
                    ? "declare it in kf.exercise { parameters = { \(name) = { type = …, default = … } } }"
                    : "its parameters are \(names.joined(separator: ", "))")
        }
        // A name read in other ways, or misspelt where it is read, is not "never read".
        guard !readOtherwise, !misread else { return }
        for parameter in declared where !read.contains(parameter.name) {
            report(
                .warning, at: parameter.token, "parameter '\(parameter.name)' is never read",
                hint: "read it as s.params.\(parameter.name), or remove it")
        }
    }
}
