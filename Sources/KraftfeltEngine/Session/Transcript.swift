/// What happened in a session, line by line, with the session time in front:
/// `[03:00] 24 of 24 answered`. The same events always give the same transcript.
///
/// It holds at most ``limit`` bytes (``SessionLimits/transcriptBytes``, counting every
/// line with its stamp). An entry that does not fit is not kept: the transcript is then
/// full, its last line says so, and nothing more is added (the session fails).
public struct Transcript: Hashable, Sendable {
    public private(set) var lines: [String] = []
    /// Bytes of ``text`` so far.
    public private(set) var bytes = 0
    /// The most bytes the transcript keeps.
    public let limit: Int
    /// True once an entry did not fit.
    public private(set) var isFull = false

    public init(limit: Int = SessionLimits.transcriptBytes) {
        self.limit = limit
    }

    mutating func add(at milliseconds: Int64, _ text: String) {
        guard !isFull else { return }
        let stamp = "[\(Self.stamp(milliseconds))] "
        var added: [String] = []
        var size = 0
        // Most entries are one line: no need to split them into characters.
        let parts = text.utf8.contains(10) ? text.split(separator: "\n", omittingEmptySubsequences: false) : [text[...]]
        for (i, line) in parts.enumerated() {
            let shown = i == 0 ? stamp + line : "        " + line
            size += shown.utf8.count + 1
            guard bytes + size <= limit else {
                isFull = true
                let notice =
                    stamp + "the transcript reached its limit of \(SessionLimits.bytes(limit)); "
                    + "nothing more is kept"
                lines.append(notice)
                bytes += notice.utf8.count + 1
                return
            }
            added.append(shown)
        }
        lines += added
        bytes += size
    }

    /// `03:00`, `1:02:03`: session time as the transcript shows it.
    static func stamp(_ milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000
        return seconds >= 3600
            ? "\(seconds / 3600):\(pad(seconds / 60 % 60)):\(pad(seconds % 60))"
            : "\(pad(seconds / 60)):\(pad(seconds % 60))"
    }

    /// An entry as the transcript writes it (`[03:00] text`, further lines indented), for
    /// hosts that add a line of their own (the error of a session they had to end).
    public static func stamped(at milliseconds: Int64, _ text: String) -> [String] {
        let stamp = "[\(stamp(milliseconds))] "
        return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { i, line in
            i == 0 ? stamp + line : "        " + line
        }
    }

    private static func pad(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }

    public var text: String { lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n") }
}
