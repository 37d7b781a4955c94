/// An error the CLI reports as one line on standard error, with exit code 1 (see
/// ``Kraftfelt/report(_:)``).
struct CLIError: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { Terminal.safe(message, lines: false) }
}
