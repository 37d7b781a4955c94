import KraftfeltLua

/// Writes Lua values the way a trainer would write them in a script.
enum LuaFormatter {
    static func format(_ value: LuaValue, indent: String = "") -> String {
        switch value {
        case .nil: return "nil"
        case .boolean(let b): return b ? "true" : "false"
        case .integer(let i): return String(i)
        case .number(let d):
            if d.isNaN { return "0/0" }
            if d.isInfinite { return d > 0 ? "math.huge" : "-math.huge" }
            return d == d.rounded() && abs(d) < 1e15 ? String(format: "%.1f", d) : "\(d)"
        case .string(let s): return quote(s)
        case .function: return "function"
        case .table(let t):
            if t.isEmpty { return "{}" }
            let inner = indent + "  "
            var lines = t.array.map { inner + format($0, indent: inner) + "," }
            for field in t.fields {
                let key: String
                if let name = field.key.text, isIdentifier(name) {
                    key = name
                } else {
                    key = "[\(format(field.key, indent: inner))]"
                }
                lines.append("\(inner)\(key) = \(format(field.value, indent: inner)),")
            }
            return "{\n" + lines.joined(separator: "\n") + "\n\(indent)}"
        }
    }

    static func quote(_ s: LuaString) -> String {
        var out = "\""
        for byte in s.description.unicodeScalars {
            switch byte {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\0": out += "\\0"
            default:
                if byte.value < 0x20 || byte.value == 0x7F {
                    out += "\\\(byte.value)"
                } else {
                    out.unicodeScalars.append(byte)
                }
            }
        }
        return out + "\""
    }

    static let keywords: Set<String> = [
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
        "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    ]

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, !keywords.contains(s) else { return false }
        let isStart: (Unicode.Scalar) -> Bool = { $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) }
        return isStart(first) && s.unicodeScalars.allSatisfy { isStart($0) || ("0"..."9").contains($0) }
    }
}
