/// What happened in a session, line by line, with the session time in front:
/// `[03:00] 24 of 24 answered`. The same events always give the same transcript.
public struct Transcript: Hashable, Sendable {
    public private(set) var lines: [String] = []

    mutating func add(at milliseconds: Int64, _ text: String) {
        lines += Self.stamped(at: milliseconds, text)
    }

    /// An entry as the transcript writes it: `[03:00] text`, further lines indented.
    public static func stamped(at milliseconds: Int64, _ text: String) -> [String] {
        let seconds = milliseconds / 1000
        let stamp =
            seconds >= 3600
            ? "\(seconds / 3600):\(pad(seconds / 60 % 60)):\(pad(seconds % 60))"
            : "\(pad(seconds / 60)):\(pad(seconds % 60))"
        return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { i, line in
            i == 0 ? "[\(stamp)] \(line)" : "        \(line)"
        }
    }

    private static func pad(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }

    public var text: String { lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n") }
}
