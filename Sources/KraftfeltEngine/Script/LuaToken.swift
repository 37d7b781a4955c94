/// One token of a Lua source text, as `kraftfelt check` reads it: where it is and what it is.
struct LuaToken: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        /// A name or a keyword (`s`, `groups`, `function`).
        case name(String)
        /// A string literal, with its escapes decoded.
        case string(String)
        /// A numeral: its value (nil for one a double cannot hold), and whether it is an integer.
        case number(Double?, integer: Bool)
        /// An operator or punctuation: `{`, `..`, `==`, `:`.
        case symbol(String)
        case end
    }

    var kind: Kind
    /// 1-based line.
    var line: Int
    /// 1-based column, in characters.
    var column: Int
    /// The token's source text (clipped to 40 characters), for messages.
    var text: String

    var name: String? {
        if case .name(let name) = kind { name } else { nil }
    }

    var string: String? {
        if case .string(let value) = kind { value } else { nil }
    }

    func isSymbol(_ symbol: String) -> Bool { kind == .symbol(symbol) }

    func isName(_ word: String) -> Bool { kind == .name(word) }
}

/// A source text as tokens: bounded work (one pass, every byte looked at a few times) and
/// total (any bytes give some tokens, never a crash). It is run on chunks Lua's own parser
/// has accepted, so it needs to agree with Lua only on texts Lua reads.
struct LuaTokenizer {
    private let bytes: [UInt8]
    private var position = 0
    private var line = 1
    /// Where the current line starts, for columns.
    private var lineStart = 0
    /// How far columns are counted on this line, and the column there: tokens come in
    /// order, so each byte is counted once.
    private var counted = (offset: 0, column: 1)

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    static func tokens(_ text: String) -> [LuaToken] {
        var tokenizer = LuaTokenizer(Array(text.utf8))
        return tokenizer.all()
    }

    mutating func all() -> [LuaToken] {
        var tokens: [LuaToken] = []
        // A shebang line is skipped, as Lua's loader does.
        if bytes.starts(with: [UInt8(ascii: "#")]) {
            while position < bytes.count, !isNewline(bytes[position]) { position += 1 }
        }
        while true {
            skipSpaceAndComments()
            guard position < bytes.count else {
                tokens.append(LuaToken(kind: .end, line: line, column: column(of: position), text: "<eof>"))
                return tokens
            }
            tokens.append(next())
        }
    }

    private func byte(_ offset: Int = 0) -> UInt8 {
        let index = position + offset
        return index < bytes.count ? bytes[index] : 0
    }

    private func isNewline(_ b: UInt8) -> Bool { b == 0x0A || b == 0x0D }

    /// The column of a byte: characters (UTF-8 lead bytes) since the line's start, from 1.
    private mutating func column(of offset: Int) -> Int {
        if counted.offset < lineStart || counted.offset > offset { counted = (lineStart, 1) }
        var (i, count) = counted
        while i < offset && i < bytes.count {
            if bytes[i] & 0xC0 != 0x80 { count += 1 }
            i += 1
        }
        counted = (i, count)
        return count
    }

    /// Steps over a newline (`\n`, `\r`, `\r\n` or `\n\r` count once, as in Lua).
    private mutating func newline() {
        let first = byte()
        position += 1
        if isNewline(byte()) && byte() != first { position += 1 }
        line += 1
        lineStart = position
    }

    private mutating func skipSpaceAndComments() {
        while position < bytes.count {
            let b = byte()
            if isNewline(b) {
                newline()
            } else if b == 0x20 || b == 0x09 || b == 0x0B || b == 0x0C {
                position += 1
            } else if b == UInt8(ascii: "-") && byte(1) == UInt8(ascii: "-") {
                position += 2
                if byte() == UInt8(ascii: "["), let level = longBracketLevel() {
                    _ = longString(level: level)
                } else {
                    while position < bytes.count, !isNewline(byte()) { position += 1 }
                }
            } else {
                return
            }
        }
    }

    /// At `[`: the level of a long bracket `[==[` that opens here, or nil.
    private func longBracketLevel() -> Int? {
        var i = position + 1
        var level = 0
        while i < bytes.count, bytes[i] == UInt8(ascii: "=") {
            level += 1
            i += 1
        }
        return i < bytes.count && bytes[i] == UInt8(ascii: "[") ? level : nil
    }

    /// Reads a long string or comment from its opening bracket; returns its contents.
    private mutating func longString(level: Int) -> String {
        position += level + 2
        if isNewline(byte()) { newline() }
        var content: [UInt8] = []
        while position < bytes.count {
            let b = byte()
            if b == UInt8(ascii: "]") {
                var i = position + 1
                var closing = 0
                while i < bytes.count, bytes[i] == UInt8(ascii: "=") {
                    closing += 1
                    i += 1
                }
                if closing == level && i < bytes.count && bytes[i] == UInt8(ascii: "]") {
                    position = i + 1
                    return String(decoding: content, as: UTF8.self)
                }
                content.append(b)
                position += 1
            } else if isNewline(b) {
                newline()
                content.append(0x0A)
            } else {
                content.append(b)
                position += 1
            }
        }
        return String(decoding: content, as: UTF8.self)
    }

    private mutating func next() -> LuaToken {
        let start = position
        let startLine = line
        let startColumn = column(of: position)
        func token(_ kind: LuaToken.Kind) -> LuaToken {
            let end = min(position, bytes.count)
            let raw = String(decoding: bytes[start..<min(end, start + 160)], as: UTF8.self)
            let text = raw.count > 40 ? String(raw.prefix(40)) + "…" : raw
            return LuaToken(kind: kind, line: startLine, column: startColumn, text: text)
        }
        let b = byte()
        if isNameStart(b) {
            while position < bytes.count, isNameStart(byte()) || isDigit(byte()) { position += 1 }
            return token(.name(String(decoding: bytes[start..<position], as: UTF8.self)))
        }
        if isDigit(b) || (b == UInt8(ascii: ".") && isDigit(byte(1))) {
            return token(number())
        }
        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
            return token(.string(quotedString()))
        }
        if b == UInt8(ascii: "["), let level = longBracketLevel() {
            return token(.string(longString(level: level)))
        }
        for symbol in ["...", "..", "==", "~=", "<=", ">=", "<<", ">>", "//", "::"] {
            let utf8 = Array(symbol.utf8)
            if position + utf8.count <= bytes.count, Array(bytes[position..<position + utf8.count]) == utf8 {
                position += utf8.count
                return token(.symbol(symbol))
            }
        }
        // One character (a stray byte of a multi-byte one is taken whole, so columns stay right).
        position += 1
        while position < bytes.count, bytes[position] & 0xC0 == 0x80 { position += 1 }
        return token(.symbol(String(decoding: bytes[start..<position], as: UTF8.self)))
    }

    private func isNameStart(_ b: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b)
            || b == UInt8(ascii: "_")
    }

    private func isDigit(_ b: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) }

    private func isHexDigit(_ b: UInt8) -> Bool {
        isDigit(b) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(b | 0x20)
    }

    /// A numeral, read as Lua's lexer does: digits, a point and an exponent with its sign.
    private mutating func number() -> LuaToken.Kind {
        let start = position
        var exponent: (UInt8, UInt8) = (UInt8(ascii: "e"), UInt8(ascii: "E"))
        if byte() == UInt8(ascii: "0") && (byte(1) | 0x20) == UInt8(ascii: "x") {
            position += 2
            exponent = (UInt8(ascii: "p"), UInt8(ascii: "P"))
        }
        while position < bytes.count {
            let b = byte()
            if b == exponent.0 || b == exponent.1 {
                position += 1
                if byte() == UInt8(ascii: "+") || byte() == UInt8(ascii: "-") { position += 1 }
            } else if isHexDigit(b) || b == UInt8(ascii: ".") {
                position += 1
            } else {
                break
            }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        let lower = text.lowercased()
        if lower.hasPrefix("0x") {
            let digits = lower.dropFirst(2)
            guard digits.allSatisfy(\.isHexDigit), !digits.isEmpty else { return .number(nil, integer: false) }
            // Hex integers wrap around, as in Lua.
            var value: UInt64 = 0
            for digit in digits { value = value &* 16 &+ UInt64(digit.hexDigitValue ?? 0) }
            return .number(Double(Int64(bitPattern: value)), integer: true)
        }
        let integer = !lower.contains(".") && !lower.contains("e")
        if integer, Int64(text) == nil { return .number(Double(text), integer: false) }
        return .number(Double(text), integer: integer)
    }

    /// A quoted string, its escapes decoded; it ends at its quote or, unclosed, at the line's end.
    private mutating func quotedString() -> String {
        let quote = byte()
        position += 1
        var out: [UInt8] = []
        while position < bytes.count {
            let b = byte()
            if b == quote {
                position += 1
                break
            }
            if isNewline(b) { break }
            guard b == UInt8(ascii: "\\") else {
                out.append(b)
                position += 1
                continue
            }
            position += 1
            guard position < bytes.count else { break }
            let e = byte()
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "a"): out.append(0x07)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "v"): out.append(0x0B)
            case 0x0A, 0x0D:
                newline()
                out.append(0x0A)
                continue
            case UInt8(ascii: "z"):
                position += 1
                while position < bytes.count {
                    if isNewline(byte()) {
                        newline()
                    } else if [0x20, 0x09, 0x0B, 0x0C].contains(byte()) {
                        position += 1
                    } else {
                        break
                    }
                }
                continue
            case UInt8(ascii: "x"):
                var value: UInt8 = 0
                var count = 0
                while count < 2, isHexDigit(byte(1)) {
                    position += 1
                    value = value &* 16 &+ UInt8(Character(Unicode.Scalar(byte())).hexDigitValue ?? 0)
                    count += 1
                }
                out.append(value)
            case UInt8(ascii: "u"):
                var value: UInt32 = 0
                if byte(1) == UInt8(ascii: "{") {
                    position += 2
                    while position < bytes.count, isHexDigit(byte()), value < 0x8000_0000 {
                        value = value * 16 + UInt32(Character(Unicode.Scalar(byte())).hexDigitValue ?? 0)
                        position += 1
                    }
                    if byte() != UInt8(ascii: "}") { position -= 1 }
                }
                out.append(contentsOf: Array(String(Unicode.Scalar(value).map(Character.init) ?? "\u{FFFD}").utf8))
            case _ where isDigit(e):
                var value = 0
                var count = 0
                while count < 3, isDigit(byte()) {
                    value = value * 10 + Int(byte() - UInt8(ascii: "0"))
                    position += 1
                    count += 1
                }
                out.append(UInt8(truncatingIfNeeded: value))
                continue
            default:
                out.append(e)
            }
            position += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
