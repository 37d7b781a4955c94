/// One finding of `kraftfelt check`: where, how bad, what, and what to do about it.
public struct ScriptDiagnostic: Hashable, Sendable, Comparable {
    public enum Severity: String, Hashable, Sendable {
        case error, warning
    }

    public var severity: Severity
    /// The 1-based line and column, or nil for the file as a whole.
    public var line: Int?
    public var column: Int?
    public var message: String
    public var hint: String

    public init(_ severity: Severity, line: Int?, column: Int?, _ message: String, hint: String) {
        self.severity = severity
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
    }

    /// As a compiler prints it: `file:line:col: error: message`, then `  hint: …`.
    public func formatted(file: String) -> String {
        let place = line.map { "\(file):\($0):\(column ?? 1)" } ?? file
        return "\(place): \(severity.rawValue): \(message)\n  hint: \(hint)"
    }

    /// By place (the whole file first), then by message.
    public static func < (a: ScriptDiagnostic, b: ScriptDiagnostic) -> Bool {
        (a.line ?? 0, a.column ?? 0, a.message) < (b.line ?? 0, b.column ?? 0, b.message)
    }
}
