/// The shape of a Lua chunk that `kraftfelt check` needs: which brackets and blocks pair
/// up, and the literals inside calls and table constructors. It never recurses (a pairing
/// table replaces the call stack), so no nesting can exhaust the stack, and each question
/// it answers walks a token once.
struct LuaSyntax {
    /// An expression as the checks see it: a literal they can judge, or something they cannot.
    struct Expression {
        enum Value: Equatable {
            case string(String)
            case number(Double?, integer: Bool)
            case boolean(Bool)
            case `nil`
            /// A table constructor, by the index of its `{`.
            case table(Int)
            case function
            /// A name, a call, an operation: known only when the script runs.
            case other
        }

        var value: Value
        /// The index of its first token.
        var first: Int
        /// True when it may stand for several values at the end of a list (a call, `...`).
        var mayBeSeveral: Bool
    }

    /// A table constructor `{ … }` and its fields in order.
    struct Table {
        struct Field {
            /// The field's name (`size = 3`, `["size"] = 3`); nil for a list item or a computed key.
            var key: String?
            /// The index of the token that names it (or of the value, for a list item).
            var keyToken: Int
            var isListItem: Bool
            var value: Expression
        }

        var open: Int
        var fields: [Field]

        func field(_ name: String) -> Field? { fields.first { $0.key == name } }
    }

    let tokens: [LuaToken]
    /// For each opening bracket or block keyword the index of its closing one, and back; -1 for none.
    let partner: [Int]

    init(tokens: [LuaToken]) {
        self.tokens = tokens
        var partner = [Int](repeating: -1, count: tokens.count)
        var open: [(index: Int, closer: String)] = []
        for (index, token) in tokens.enumerated() {
            let closer: String? =
                switch token.kind {
                case .symbol("("): ")"
                case .symbol("["): "]"
                case .symbol("{"): "}"
                case .name("function"), .name("if"), .name("do"): "end"
                case .name("repeat"): "until"
                default: nil
                }
            if let closer {
                open.append((index, closer))
                continue
            }
            let text: String? =
                switch token.kind {
                case .symbol(let s) where [")", "]", "}"].contains(s): s
                case .name(let n) where n == "end" || n == "until": n
                default: nil
                }
            guard let text, let last = open.last, last.closer == text else { continue }
            open.removeLast()
            partner[last.index] = index
            partner[index] = last.index
        }
        self.partner = partner
    }

    subscript(_ index: Int) -> LuaToken { tokens[min(max(index, 0), tokens.count - 1)] }

    /// Whether the token at `index` is this symbol (false outside the text).
    func symbol(_ index: Int, _ symbol: String) -> Bool {
        index >= 0 && index < tokens.count && tokens[index].isSymbol(symbol)
    }

    /// The expression that starts at `start` and ends before `limit` or at a `,` or `;`
    /// outside brackets; and the index after it.
    func expression(from start: Int, before limit: Int) -> (Expression, next: Int) {
        var j = start
        while j < limit {
            let token = tokens[j]
            if token.isSymbol(",") || token.isSymbol(";") { break }
            j = partner[j] > j ? partner[j] + 1 : j + 1
        }
        return (classify(start, j), j)
    }

    /// What the tokens from `first` up to (not including) `end` are.
    private func classify(_ first: Int, _ end: Int) -> Expression {
        guard first < end, first < tokens.count else {
            return Expression(value: .other, first: first, mayBeSeveral: false)
        }
        let count = end - first
        let head = tokens[first]
        var value: Expression.Value = .other
        if count == 1 {
            switch head.kind {
            case .string(let s): value = .string(s)
            case .number(let n, let integer): value = .number(n, integer: integer)
            case .name("true"): value = .boolean(true)
            case .name("false"): value = .boolean(false)
            case .name("nil"): value = .nil
            default: break
            }
        } else if count == 2, head.isSymbol("-"), case .number(let n, let integer) = tokens[first + 1].kind {
            value = .number(n.map { -$0 }, integer: integer)
        } else if head.isSymbol("{") && partner[first] == end - 1 {
            value = .table(first)
        } else if head.isName("function") && partner[first] == end - 1 {
            value = .function
        }
        let last = tokens[end - 1]
        var several = last.isSymbol("...")
        if count >= 2 {
            if last.isSymbol(")") {
                several = !(head.isSymbol("(") && partner[first] == end - 1)
            } else if last.isSymbol("}"), partner[end - 1] > first {
                several = callsBefore(partner[end - 1])
            } else if last.string != nil {
                several = callsBefore(end - 1)
            }
        }
        return Expression(value: value, first: first, mayBeSeveral: several)
    }

    /// True when the token before `index` ends something that can be called (`f"x"`, `f{…}`).
    private func callsBefore(_ index: Int) -> Bool {
        guard index > 0 else { return false }
        let before = tokens[index - 1]
        if let name = before.name { return !Self.keywords.contains(name) }
        return before.isSymbol(")") || before.isSymbol("]")
    }

    static let keywords: Set<String> = [
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in", "local",
        "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    ]

    /// The table constructor whose `{` is at `open`, or nil when it is not one.
    func table(at open: Int) -> Table? {
        guard open >= 0, open < tokens.count, tokens[open].isSymbol("{") else { return nil }
        let close = partner[open]
        guard close > open else { return nil }
        var fields: [Table.Field] = []
        var j = open + 1
        while j < close {
            let start = j
            var field: Table.Field
            if tokens[j].name != nil, symbol(j + 1, "="), !Self.keywords.contains(tokens[j].name ?? "") {
                let (value, next) = expression(from: j + 2, before: close)
                field = Table.Field(key: tokens[j].name, keyToken: j, isListItem: false, value: value)
                j = next
            } else if tokens[j].isSymbol("["), partner[j] > j, partner[j] < close, symbol(partner[j] + 1, "=") {
                let inner = partner[j]
                let key = inner == j + 2 ? tokens[j + 1].string : nil
                let (value, next) = expression(from: inner + 2, before: close)
                field = Table.Field(key: key, keyToken: j + 1, isListItem: false, value: value)
                j = next
            } else {
                let (value, next) = expression(from: j, before: close)
                field = Table.Field(key: nil, keyToken: j, isListItem: true, value: value)
                j = next
            }
            fields.append(field)
            if j < close && (tokens[j].isSymbol(",") || tokens[j].isSymbol(";")) { j += 1 }
            if j <= start { j = start + 1 }
        }
        return Table(open: open, fields: fields)
    }

    /// The arguments of a call whose arguments start at `index`: `( … )`, `{ … }` or a
    /// string; nil when no call starts there.
    func arguments(at index: Int) -> [Expression]? {
        guard index < tokens.count else { return nil }
        let token = tokens[index]
        if token.isSymbol("{") {
            return [classify(index, partner[index] > index ? partner[index] + 1 : index + 1)]
        }
        if token.string != nil { return [classify(index, index + 1)] }
        guard token.isSymbol("("), partner[index] > index else { return nil }
        let close = partner[index]
        var arguments: [Expression] = []
        var j = index + 1
        while j < close {
            let (argument, next) = expression(from: j, before: close)
            arguments.append(argument)
            j = max(next + 1, j + 1)
        }
        return arguments
    }
}
