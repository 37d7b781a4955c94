/// What happened in a session, line by line, with the session time in front:
/// `[03:00] 24 of 24 answered`. The same events always give the same transcript.
public struct Transcript: Hashable, Sendable {
    public private(set) var lines: [String] = []

    mutating func add(at milliseconds: Int64, _ text: String) {
        let seconds = milliseconds / 1000
        let stamp =
            seconds >= 3600
            ? "\(seconds / 3600):\(pad(seconds / 60 % 60)):\(pad(seconds % 60))"
            : "\(pad(seconds / 60)):\(pad(seconds % 60))"
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            lines.append(i == 0 ? "[\(stamp)] \(line)" : "        \(line)")
        }
    }

    private func pad(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }

    public var text: String { lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n") }
}
