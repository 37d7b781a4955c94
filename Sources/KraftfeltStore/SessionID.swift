/// The syntax of a session id: 1 to 64 bytes of `A–Z a–z 0–9 . _ -`, not starting with
/// `.` or `-` (so an id is never an option, a hidden file or a path, and prints as itself).
public enum SessionID {
    /// The longest id, in bytes.
    public static let maximumBytes = 64

    /// The rule, in words, for messages: what an id must have.
    public static let rule = "1 to 64 letters (A-Z, a-z), digits, '.', '_' or '-', not starting with '.' or '-'"

    /// True when `id` follows the syntax.
    public static func isValid(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard (1...maximumBytes).contains(bytes.count), bytes[0] != UInt8(ascii: "."), bytes[0] != UInt8(ascii: "-")
        else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default: false
            }
        }
    }

    /// Refuses an id outside the syntax with ``StoreError/Code/invalidID``.
    public static func validate(_ id: String) throws(StoreError) {
        guard isValid(id) else { throw StoreError(.invalidID, "\(shown(id)) is not a session id: an id has \(rule)") }
    }

    /// An id as a message shows it: quoted, and clipped to its first 64 bytes with its
    /// length when longer (the text may hold control characters: front ends escape them).
    public static func shown(_ id: String) -> String {
        let bytes = Array(id.utf8)
        guard bytes.count > maximumBytes else { return "\"\(id)\"" }
        var cut = maximumBytes
        while cut > 0 && (bytes[cut] & 0xC0) == 0x80 { cut -= 1 }  // not inside a character
        return "\"\(String(decoding: bytes[..<cut], as: UTF8.self))…\" (\(bytes.count) bytes)"
    }
}

extension SessionID {
    /// An id as a message names it: as it is when it follows the syntax, else quoted and
    /// clipped (``shown(_:)``).
    public static func named(_ id: String) -> String { isValid(id) ? id : shown(id) }
}
