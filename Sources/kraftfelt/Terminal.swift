import Foundation

/// The one way the CLI writes text it did not write itself (stored data, what scripts
/// print and measure, ids and paths a user typed, error messages) to a terminal.
enum Terminal {
    /// `text` made safe to print: every control character but tab (C0, DEL, C1), every
    /// bidirectional formatting character and the Unicode line separators are written as
    /// escapes (`\r`, `\u001B`), so nothing printed can move the cursor, recolour the
    /// screen, set the window title, ring the bell or reorder what is shown. The escapes
    /// are also JSON's, so JSON stays JSON. Newlines stay as they are when `lines` is true
    /// (transcripts, JSON, help); else they become `\n`, so a message stays one line.
    static func safe(_ text: String, lines: Bool = true) -> String {
        guard text.unicodeScalars.contains(where: { needsEscape($0, lines: lines) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar, lines: lines) else {
                out.append(scalar)
                continue
            }
            let escape: String =
                switch scalar {
                case "\n": "\\n"
                case "\r": "\\r"
                default:
                    "\\u" + String(repeating: "0", count: max(0, 4 - String(scalar.value, radix: 16).count))
                        + String(scalar.value, radix: 16, uppercase: true)
                }
            out.append(contentsOf: escape.unicodeScalars)
        }
        return String(out)
    }

    static func needsEscape(_ scalar: Unicode.Scalar, lines: Bool) -> Bool {
        switch scalar.value {
        case 0x0A: !lines
        case 0x09: false
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029: true
        default: false
        }
    }

    /// Prints to standard output, made safe; `lines` false keeps one record on one line
    /// (a listing, a message).
    static func print(_ text: String, lines: Bool = true, terminator: String = "\n") {
        Swift.print(safe(text, lines: lines), terminator: terminator)
    }

    /// Writes one line to standard error, made safe (newlines escaped).
    static func line(_ text: String) {
        FileHandle.standardError.write(Data((safe(text, lines: false) + "\n").utf8))
    }

    /// Writes text to standard error as it is, newlines kept (usage and help), made safe.
    static func block(_ text: String) {
        FileHandle.standardError.write(Data((safe(text) + "\n").utf8))
    }
}
