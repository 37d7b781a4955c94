import KraftfeltLua

extension Session {
    /// Text in the session's language from a string or a `{ da = …, en = … }` table.
    func text(_ value: LuaValue) -> String {
        switch value {
        case .string(let s): return s.description
        case .table(let t):
            return t[definition.language].text ?? t["da"].text ?? t["en"].text ?? t.fields.first?.value.text ?? ""
        case .integer(let i): return String(i)
        case .number(let d): return Self.number(d)
        default: return ""
        }
    }

    /// A label from a script (a timer's, a wait's), as one transcript entry shows it.
    func label(_ value: LuaValue) -> String { Self.clip(text(value)) }

    /// How the transcript shows what a script put on the screen, cut at
    /// ``SessionLimits/entryBytes``: rendering stops there, so a huge table costs no more.
    func render(_ value: LuaValue) -> String {
        var out = ""
        render(value, into: &out)
        return Self.clip(out)
    }

    private func render(_ value: LuaValue, into out: inout String) {
        guard out.utf8.count <= SessionLimits.entryBytes else { return }
        switch value {
        case .table(let t) where !t.array.isEmpty:
            for (offset, element) in t.array.enumerated() where out.utf8.count <= SessionLimits.entryBytes {
                out += "\n  \(offset + 1). "
                render(element, into: &out)
            }
        case .table(let t):
            if let name = t["name"].text, let area = t["area"].text {
                out += "\(name) (\(area))"
            } else if case .table = t["asker"] {
                render(t["asker"], into: &out)
                out += " → "
                render(t["helper"], into: &out)
                if let question = t["question"].text { out += ": \(question)" }
            } else if case .table(let members) = t["members"] {
                for (offset, member) in members.array.enumerated() where out.utf8.count <= SessionLimits.entryBytes {
                    if offset > 0 { out += ", " }
                    render(member, into: &out)
                }
            } else if t["da"] != .nil || t["en"] != .nil {
                out += text(value)
            } else {
                out += "{ "
                for (offset, field) in t.fields.enumerated() where out.utf8.count <= SessionLimits.entryBytes {
                    if offset > 0 { out += ", " }
                    render(field.key, into: &out)
                    out += " = "
                    render(field.value, into: &out)
                }
                out += " }"
            }
        case .integer(let i): out += String(i)
        case .number(let d): out += Self.number(d)
        case .string(let s): out += s.description
        default: out += describe(value)
        }
    }
}
