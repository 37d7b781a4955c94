@testable import KraftfeltEngine
@testable import KraftfeltLua

/// A host function as the fuzz calls it: `kf.mean`, `s:ask`, with its declared parameters.
struct FuzzTarget {
    let module: String
    let isMethod: Bool
    let name: String
    let parameters: [Parameter]

    /// Every function of every module a session registers, so new ones are fuzzed too.
    static func all(in session: Session) -> [FuzzTarget] {
        session.vm.modules.flatMap { module in
            module.functions.map {
                FuzzTarget(
                    module: module.name, isMethod: module.callPrefix.hasSuffix(":"), name: $0.name,
                    parameters: $0.parameters)
            }
        }
    }
}

/// Random Lua scripts that call host functions with random arguments, from a seeded
/// generator: the same seed gives the same scripts.
struct FuzzScripts {
    var rng: SeededGenerator
    let targets: [FuzzTarget]

    mutating func pick<T>(_ items: [T]) -> T { items[Int(rng.next() % UInt64(items.count))] }
    mutating func chance(_ percent: UInt64) -> Bool { rng.next() % 100 < percent }
    mutating func count(_ upTo: Int) -> Int { Int(rng.next() % UInt64(upTo + 1)) }

    static let numbers = [
        "0", "-1", "1", "2", "3", "4", "5", "7", "10", "50", "51", "100", "101", "1000", "1001", "100000",
        "math.maxinteger", "math.mininteger", "0/0", "-(0/0)", "1/0", "-1/0", "1e308", "-1e308", "0.5", "2.5", "-0.0",
        "1e12", "-1e12", "1e12 + 1", "1e15", "2^53", "2^63", "1e-300", "999999", "1000001", "-1000001",
    ]
    static let strings = [
        "''", "' '", "'x'", "'3m'", "'1s'", "'90s'", "'1h'", "'24h'", "'25h'", "'0s'", "'1m30s'",
        "'9999999999999999999m'",
        "'2-4'", "'4-2'", "'1-50'", "'1-51'", "'0-3'", "'-2-4'", "'3'", "'areas'", "'same-area'", "'random'",
        "'other-area'", "'anyone'", "'session'", "'exercise'", "'organisation'", "'organization'", "'p1'", "'p2'",
        "'ghost'", "'\\0'", "'a\\0b'", "'\\255\\254'", "'12'", "'nan'", "'inf'", "'1e999'", "'everyone'", "'group'",
        "'text'", "'choice'", "'choices'", "'scale'", "'number'", "'person'", "'rank'", "'vote'", "'client'",
        "('x'):rep(4097)", "('y'):rep(100000)", "('z'):rep(2000001)", "('\\204\\129'):rep(5000)", "('a\\n'):rep(3000)",
    ]
    static let handles = [
        "s", "s.everyone", "s:participants()", "s:participants()[1]", "s:participants()[2]", "s:groups()",
        "s:groups()[1]", "s:groups { size = 1 }", "s:rotations()", "s:rotations()[1]", "s.results", "s.params",
        "s:participants()[1].id", "{ s:participants()[1], s:participants()[1] }",
    ]
    static let functions = [
        "print", "error", "function() end", "function(g) return g.index end", "function(g) g:timer('1m') end",
        "function(g) return g:ask(g.everyone, { da = 'x', kind = 'scale' }) end",
        "function(g) return g:roles(g, { 'client', 'consultant' }) end", "function(g) error('in a flow') end",
        "function(g) while true do end end", "s.ask", "coroutine.yield",
    ]
    static let keys = [
        "kind", "min", "max", "scale", "options", "time", "da", "en", "size", "mix", "avoid_repeats", "target",
        "rounds", "helper", "bot_answers", "members", "id", "who", "value", "index", "name", "area", "asker",
        "question", "title", "minutes", "run", "parameters", "attributes", "exercises", "version", "summary",
        "type", "default",
    ]
    static let specials = [
        "(function() local t = {} t.self = t t[1] = t return t end)()",
        "(function() local t = {} for i = 1, 150 do t = { t } end return t end)()",
        "(function() local t = {} for i = 1, 1001 do t[i] = { id = 'p' .. (i % 7), value = i } end return t end)()",
        "(function() local t = {} for i = 1, 300000 do t[i] = i end return t end)()",
        "(function() local t = {} for i = 1, 60 do t[i] = 'role' .. i end return t end)()",
        "(function() local t = {} for i = 1, 120 do t[i] = 'option ' .. i end return t end)()",
        "(function() local p = s:participants() local t = {} for i = 1, #p + 1 do t[i] = { p[1] } end return t end)()",
        "setmetatable({}, { __index = function() error('boom') end, __len = function() return math.maxinteger end })",
        "{ [{}] = 1 }", "{ [print] = 1 }", "{ [1.5] = 'x', [true] = false }", "{ [0/0 ~= 0/0 and 1 or 2] = 1 }",
        "{ da = { 'a', 'b' }, en = { 'c' } }", "{ { who = s:participants()[1], value = 'hjælp' } }",
        "{ kind = 'group', members = { { id = 'ghost' } } }", "{ kind = 'everyone' }",
        "coroutine.create(print)", "io", "string",
    ]

    /// One Lua expression of any kind, `depth` levels of tables at most.
    mutating func value(depth: Int = 2) -> String {
        switch rng.next() % 12 {
        case 0: return "nil"
        case 1: return pick(["true", "false"])
        case 2, 3: return pick(Self.numbers)
        case 4, 5: return pick(Self.strings)
        case 6: return pick(Self.handles)
        case 7: return pick(Self.functions)
        case 8: return pick(Self.specials)
        default: return depth > 0 ? table(depth: depth - 1) : pick(Self.numbers)
        }
    }

    /// A value for an option: mostly of the kind the option takes, sometimes anything.
    mutating func value(for key: String, depth: Int) -> String {
        guard chance(70) else { return value(depth: depth) }
        switch key {
        case "kind":
            return pick(["'text'", "'choice'", "'choices'", "'scale'", "'number'", "'person'", "'rank'", "'vote'"])
        case "min", "max", "scale", "target", "rounds", "minutes", "index": return pick(Self.numbers)
        case "time": return pick(["'1s'", "'30s'", "'2m'", "'1h'", "'24h'", "'25h'", "'soon'", "3"])
        case "size": return pick(["'2-4'", "'4-2'", "'1-50'", "'2-51'", "3", "1", "50", "51", "0", "2.5", "'x'"])
        case "mix": return pick(["'areas'", "'same-area'", "'random'", "'chaos'", "5"])
        case "helper": return pick(["'other-area'", "'anyone'", "'boss'", "5"])
        case "avoid_repeats": return pick(["true", "false", "'no'", "0"])
        case "options", "bot_answers", "exercises", "attributes":
            return pick(
                [
                    "{ 'a', 'b', 'c' }", "{ 1, 2.5, 'x' }", "{}", "{ 'a', 'a' }", "{ da = { 'a' }, en = { 'b' } }",
                    "{ '   ', '' }", "{ ('o'):rep(501) }", "{ 'summegrupper', 'x' }", "{ {}, print }",
                ] + Self.specials)
        case "title", "summary", "da", "en":
            return pick(["{ da = 'T', en = 'T' }", "{ da = '' }", "'Titel'", "{ da = ('T'):rep(201), en = 'T' }"])
        case "run":
            return pick(["function(s) end", "function(s) s:timer('1m') end", "print", "function(s) error('x') end"])
        case "parameters":
            return pick([
                "{ rounds = { type = 'integer', default = 3 } }", "{ rounds = { type = 'count' } }", "{ 1 }",
                "{ share = { type = 'number', default = 0/0 } }", "{ talk = { type = 'duration', default = '99h' } }",
            ])
        case "id": return pick(["'x'", "'Bad Id'", "''", "('x'):rep(100)", "'p1'", "'ghost'", "1"])
        case "members", "who", "asker": return pick(Self.handles)
        default: return value(depth: depth)
        }
    }

    /// An option table: named fields from the options the API knows, and sometimes a list.
    mutating func table(depth: Int) -> String {
        var fields: [String] = []
        for _ in 0..<count(4) {
            let key = pick(Self.keys)
            fields.append("\(key) = \(value(for: key, depth: depth))")
        }
        if chance(20) { for _ in 0..<count(4) { fields.append(value(depth: depth)) } }
        if chance(40) { fields.append("da = 'Spørgsmål'") }
        return "{ " + fields.joined(separator: ", ") + " }"
    }

    /// An argument for a parameter: mostly of the declared type, sometimes anything.
    mutating func argument(_ parameter: Parameter) -> String {
        guard chance(75) else { return value() }
        switch parameter.type {
        case .table where chance(40): return pick(Self.handles + Self.specials)
        case .table: return table(depth: 2)
        case .string: return pick(Self.strings)
        case .number, .integer: return pick(Self.numbers)
        case .function: return pick(Self.functions)
        default: return value()
        }
    }

    /// A call of one host function with a random argument list; `me` is `s` or a group's `g`.
    mutating func call(_ target: FuzzTarget, me: String = "s") -> String {
        let declared = target.isMethod ? Array(target.parameters.dropFirst()) : target.parameters
        var arguments: [String]
        if chance(80) {
            let required = declared.filter { !$0.isOptional }.count
            arguments = declared.prefix(required + count(declared.count - required)).map { argument($0) }
        } else {
            arguments = (0..<count(declared.count + 2)).map { _ in value() }
        }
        guard target.isMethod else {
            return "\(target.module).\(target.name)(\(arguments.joined(separator: ", ")))"
        }
        switch rng.next() % 12 {
        case 0: break  // no self
        case 1: arguments.insert(value(), at: 0)  // a wrong self
        default: return "\(me):\(target.name)(\(arguments.joined(separator: ", ")))"
        }
        return "\(me).\(target.name)(\(arguments.joined(separator: ", ")))"
    }

    /// One statement: a call, plain or in a context where waiting is refused or caught.
    mutating func statement(me: String = "s") -> String {
        let call = call(pick(targets), me: me)
        switch rng.next() % 14 {
        case 0, 1: return call
        case 2, 3, 12, 13: return "pcall(function() return \(call) end)"
        case 4: return "pcall(coroutine.wrap(function() return \(call) end))"
        case 5: return "pcall(function() return setmetatable({}, { __index = function() return \(call) end }).x end)"
        case 6: return "pcall(table.sort, { 3, 1, 2 }, function(a, b) local _ = \(call) return a < b end)"
        case 7: return "for i = 1, 3 do pcall(function() return \(call) end) end"
        case 8: return "print(pcall(function() return \(call) end))"
        case 9: return "pcall(function() s:show(\(call)) end)"
        case 10 where me == "s":
            return "pcall(function() return s:each_group(s:groups(), function(g) \(statement(me: "g")) end) end)"
        default: return "local ok, r = pcall(function() return \(call) end) if ok then pcall(s.show, s, r) end"
        }
    }

    /// A whole exercise: a few statements in `run`, or (one time in ten) a random declaration.
    mutating func script() -> String {
        if chance(10) {
            let function = pick(["exercise", "programme"])
            return "return kf.\(function) \(table(depth: 2))"
        }
        let body = (0..<(1 + count(3))).map { _ in statement() }.joined(separator: "\n")
        return """
            return kf.exercise { id = "x", title = { da = "X", en = "X" }, minutes = 5,
              run = function(s)
            \(body)
              end }
            """
    }
}
