import KraftfeltLua

/// `kraftfelt check`'s reading of a script before anything runs: Lua's own parser for the
/// syntax, then the calls and tables it can judge from the text, checked against the same
/// tables that register the host functions (``Session/hostModules()``) and their options
/// (``HostOptions``), so a function or option added there is known here too.
///
/// ```swift
/// for finding in ScriptCheck.check(text, fileName: "summegrupper.lua") {
///     print(finding.formatted(file: "Exercises/summegrupper.lua"))
/// }
/// ```
public enum ScriptCheck {
    /// The findings for a script, by place. Total and bounded: any text gets an answer,
    /// in time linear in its length (a text over the sandbox's source limit gets one error).
    public static func check(_ text: String, fileName: String) -> [ScriptDiagnostic] {
        let limit = SandboxLimits.standard.sourceBytes
        guard text.utf8.count <= limit else {
            return [
                ScriptDiagnostic(
                    .error, line: nil, column: nil,
                    "the script has \(text.utf8.count) bytes; the limit is \(limit)",
                    hint: "an exercise is a short text; split a long one into several exercises of a programme")
            ]
        }
        let tokens = LuaTokenizer.tokens(text)
        if let syntax = syntaxError(text, fileName: fileName, tokens: tokens) { return [syntax] }
        var checker = ScriptChecker(syntax: LuaSyntax(tokens: tokens), catalog: HostCatalog.shared)
        checker.run()
        return checker.found.sorted()
    }

    /// Whether the script declares an exercise or a programme (`kf.exercise`,
    /// `kf.programme`): what can be rehearsed; other scripts are plain Lua for `kraftfelt run`.
    public static func declaresExercise(_ text: String) -> Bool {
        let tokens = LuaTokenizer.tokens(text)
        return tokens.indices.contains { i in
            i + 2 < tokens.count && tokens[i].isName("kf") && tokens[i + 1].isSymbol(".")
                && (tokens[i + 2].isName("exercise") || tokens[i + 2].isName("programme"))
        }
    }

    /// Lua's own verdict on the text, loaded (compiled, not run) in a sandboxed VM.
    static func syntaxError(_ text: String, fileName: String, tokens: [LuaToken]) -> ScriptDiagnostic? {
        let message: String
        do {
            let vm = try LuaVM(limits: .standard)
            _ = try vm.load(text, chunkName: fileName)
            return nil
        } catch {
            message = error.message
        }
        var rest = Substring(message)
        if rest.hasPrefix(fileName + ":") { rest = rest.dropFirst(fileName.count + 1) }
        var line: Int? = nil
        if let colon = rest.firstIndex(of: ":"), let number = Int(rest[..<colon]) {
            line = number
            rest = rest[rest.index(after: colon)...]
        }
        var what = String(rest.trimmingPrefix(" "))
        var column: Int? = nil
        if let line {
            column = 1
            if let near = what.range(of: "near '", options: .backwards) {
                let shown = what[near.upperBound...].dropLast(what.hasSuffix("'") ? 1 : 0)
                column = tokens.first { $0.line == line && $0.text == shown }?.column ?? column
            } else if what.hasSuffix("near <eof>"), let end = tokens.last {
                column = end.column
            } else if let control = tokens.first(where: { $0.line == line && isControl($0) }) {
                // Lua names no token for a NUL byte (its message stops there): name it as
                // Lua names other control characters.
                column = control.column
                what += " near '<\\\(control.text.unicodeScalars.first?.value ?? 0)>'"
            }
        }
        if line == nil { what = "Lua cannot read the script: " + what }
        return ScriptDiagnostic(.error, line: line, column: column, what, hint: syntaxHint(what))
    }

    private static func isControl(_ token: LuaToken) -> Bool {
        guard case .symbol(let text) = token.kind, let scalar = text.unicodeScalars.first else { return false }
        return scalar.value < 0x20 || scalar.value == 0x7F
    }

    static func syntaxHint(_ message: String) -> String {
        if message.contains("C levels") || message.contains("too many") || message.contains("overflow") {
            return "tables, calls or blocks are nested too deeply for Lua to read; nest less"
        }
        if message.contains("unfinished string") {
            return "end the text with the quote it starts with, on the same line (or use [[ … ]] for several lines)"
        }
        if message.contains("(to close") {
            return "something opened earlier is not closed: look for a missing comma, bracket, quote or 'end'"
        }
        if message.contains("precompiled") || message.contains("binary") {
            return "give the exercise as Lua source text"
        }
        return "Lua cannot read the script here: look for a missing comma, bracket, quote or 'end' here or just before"
    }
}

/// What the checks know of the host functions: names and parameters, from the modules
/// that register them.
struct HostCatalog: Sendable {
    struct Function: Sendable {
        var name: String
        /// Without the hidden `self` of a `s:` call.
        var parameters: [Parameter]
        var isVariadic: Bool

        var minimum: Int { (parameters.lastIndex { !$0.isOptional } ?? -1) + 1 }

        func signature(_ prefix: String) -> String {
            var names = parameters.map { $0.isOptional ? "[\($0.name)]" : $0.name }
            if isVariadic { names.append("...") }
            return "\(prefix)\(name)(\(names.joined(separator: ", ")))"
        }
    }

    var kf: [Function]
    var session: [Function]

    static let shared: HostCatalog = {
        guard let modules = try? Session.hostModules() else { return HostCatalog(kf: [], session: []) }
        func functions(_ module: HostModule) -> [Function] {
            module.functions.map { function in
                var parameters = function.parameters
                if module.callPrefix.hasSuffix(":"), parameters.first?.name == "self" { parameters.removeFirst() }
                return Function(name: function.name, parameters: parameters, isVariadic: function.isVariadic)
            }
        }
        let kf = modules.first { $0.isGlobal }.map(functions) ?? []
        let session = modules.first { !$0.isGlobal }.map(functions) ?? []
        return HostCatalog(kf: kf, session: session)
    }()
}
