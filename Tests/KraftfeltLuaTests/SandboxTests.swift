import Testing

@testable import KraftfeltLua

struct SandboxTests {
    /// The whole allow-list: adding a global or library function is a decision, not an accident.
    @Test func theEnvironmentHoldsExactlyTheAllowList() throws {
        let vm = try LuaVM()
        let values = try vm.run(
            """
            local names = {}
            for k, v in pairs(_ENV) do
              if type(v) == "table" and k ~= "_G" then
                for f in pairs(v) do names[#names + 1] = k .. "." .. f end
              else
                names[#names + 1] = k
              end
            end
            table.sort(names)
            return table.concat(names, " ")
            """, chunkName: "list.lua")
        let names = Set((values.first?.text ?? "").split(separator: " ").map(String.init))
        let expected: Set<String> = [
            "_G", "_VERSION", "assert", "error", "getmetatable", "ipairs", "load", "next", "pairs", "pcall",
            "print", "rawequal", "rawget", "rawlen", "rawset", "select", "setmetatable", "tonumber", "tostring",
            "require", "type", "xpcall",
            "coroutine.close", "coroutine.create", "coroutine.isyieldable", "coroutine.resume", "coroutine.running",
            "coroutine.status", "coroutine.wrap", "coroutine.yield",
            "math.abs", "math.ceil", "math.cos", "math.deg", "math.exp", "math.floor", "math.fmod", "math.huge",
            "math.log", "math.max", "math.maxinteger", "math.min", "math.mininteger", "math.modf", "math.pi",
            "math.rad", "math.random", "math.randomseed", "math.sin", "math.sqrt", "math.tan", "math.tointeger",
            "math.type",
            "math.ult", "math.acos", "math.asin", "math.atan",
            // Debian builds Lua 5.4 with LUA_COMPAT_MATHLIB: pure functions, harmless.
            "math.atan2", "math.cosh", "math.frexp", "math.ldexp", "math.log10", "math.pow", "math.sinh", "math.tanh",
            "os.clock", "os.date", "os.difftime", "os.time",
            "string.byte", "string.char", "string.find", "string.format", "string.gmatch", "string.gsub",
            "string.len", "string.lower", "string.match", "string.pack", "string.packsize", "string.rep",
            "string.reverse", "string.sub", "string.unpack", "string.upper",
            "table.concat", "table.insert", "table.move", "table.pack", "table.remove", "table.sort", "table.unpack",
            "utf8.char", "utf8.charpattern", "utf8.codepoint", "utf8.codes", "utf8.len", "utf8.offset",
        ]
        #expect(names.subtracting(expected) == [], "unexpected globals")
        #expect(expected.subtracting(names) == [], "missing globals")
    }

    @Test func eachChunkHasItsOwnEnvironment() throws {
        let vm = try LuaVM()
        _ = try vm.run("shared = 'leak'; string.upper = nil; math.pi = 3", chunkName: "first.lua")
        let values = try vm.run("return shared, string.upper('a'), math.pi > 3.14", chunkName: "second.lua")
        #expect(values == [nil, "A", true])
    }

    @Test func stringMethodsUseTheSandboxedLibraryAndItsMetatableIsHidden() throws {
        let vm = try LuaVM()
        let values = try vm.run(
            "return getmetatable(''), ('%d'):format(7), ('abc').dump", chunkName: "meta.lua")
        #expect(values == [false, "7", nil])
    }

    @Test func randomNumbersFollowTheSeed() throws {
        let script = "local t = {} for i = 1, 5 do t[i] = math.random(1, 1000) end return table.concat(t, ',')"
        let a = try LuaVM(seed: 7).run(script, chunkName: "r.lua")
        let b = try LuaVM(seed: 7).run(script, chunkName: "r.lua")
        let c = try LuaVM(seed: 8).run(script, chunkName: "r.lua")
        #expect(a == b)
        #expect(a != c)
    }

    @Test func timeComesFromTheHostClock() throws {
        let vm = try LuaVM(clock: .fixed(1_700_000_000))
        let values = try vm.run(
            "return os.time(), os.date('!%Y-%m-%d %H:%M', os.time()), os.date('!%H:%M'), os.clock()",
            chunkName: "t.lua")
        #expect(values == [1_700_000_000, "2023-11-14 22:13", "22:13", 0.0])
    }

    @Test func loadAcceptsTextOnly() throws {
        let vm = try LuaVM()
        let values = try vm.run(
            """
            local f = load("return 1 + 1")
            local g, e1 = load("return 1", "=x", "b")
            local h, e2 = load(string.char(27) .. "Lua")
            local k, e3 = load("return (")
            return f(), g, e1, h, e2, k, e3
            """, chunkName: "load.lua")
        #expect(
            values == [
                2, nil, "load: only text chunks can be loaded in Kraftfelt scripts", nil,
                "attempt to load a binary chunk (mode is 't')", nil,
                "[string \"return (\"]:1: unexpected symbol near <eof>",
            ])
    }

    @Test func theHostRefusesBinaryChunks() throws {
        let vm = try LuaVM()
        let error = try #require(throws: ScriptError.self) {
            try vm.load(bytes: [0x1B, 0x4C, 0x75, 0x61, 0x54, 0x00], chunkName: "compiled.luac")
        }
        #expect(error.code == .syntax)
        #expect(error.message == "compiled.luac: precompiled (binary) chunks are not accepted; load the source text")
    }

    static let syntaxErrors: [(String, String)] = [
        ("return (", "broken.lua:1: unexpected symbol near <eof>"),
        ("x = = 1", "broken.lua:1: unexpected symbol near '='"),
        ("\n\nlocal function f() return 1", "broken.lua:3: 'end' expected near <eof>"),
        ("s = 'unfinished", "broken.lua:1: unfinished string near <eof>"),
        (String(repeating: "(", count: 300) + "1" + String(repeating: ")", count: 300), "broken.lua: C stack overflow"),
    ]

    @Test(arguments: syntaxErrors)
    func syntaxErrorsNameTheFileAndLine(_ source: String, _ expected: String) throws {
        let vm = try LuaVM()
        let error = try #require(throws: ScriptError.self) { try vm.load(source, chunkName: "broken.lua") }
        #expect(error.code == .syntax)
        #expect(error.message.hasPrefix(expected))
        #expect(try vm.run("return 'still fine'", chunkName: "ok.lua") == ["still fine"])
    }

    @Test func xpcallHandlersStillWorkForOrdinaryErrors() throws {
        let vm = try LuaVM()
        let values = try vm.run(
            "return xpcall(function() error('boom', 0) end, function(e) return 'handled: ' .. e end)",
            chunkName: "x.lua")
        #expect(values == [false, "handled: boom"])
        let error = try #require(throws: ScriptError.self) { try vm.run("xpcall(print, 42)", chunkName: "x.lua") }
        #expect(error.message == "x.lua:1: bad argument #2 to 'xpcall' (function expected, got number)")
    }

    @Test func closeAndWrapBehaveLikeStockLua() throws {
        let vm = try LuaVM()
        let values = try vm.run(
            """
            local log = {}
            do local a <close> = setmetatable({}, { __close = function() log[#log + 1] = "closed" end }) end
            local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end end)
            log[#log + 1] = gen() + gen() + gen()
            local bad = coroutine.wrap(function() error("inner") end)
            local ok, e = pcall(bad)
            log[#log + 1] = e
            local co = coroutine.create(function() coroutine.yield() end)
            coroutine.resume(co)
            log[#log + 1] = tostring(coroutine.close(co)) .. " " .. coroutine.status(co)
            return table.concat(log, "|")
            """, chunkName: "co.lua")
        #expect(values == ["closed|6|co.lua:5: inner|true dead"])
    }

    @Test func tableMoveMatchesTheStockFunction() throws {
        let vm = try LuaVM()
        let values = try vm.run(
            """
            local a = { 1, 2, 3, 4, 5 }
            table.move(a, 1, 3, 3)
            local b = table.move({ 1, 2, 3 }, 1, 3, 1, {})
            local c = { 1, 2, 3, 4, 5 }
            table.move(c, 2, 5, 1)
            return table.concat(a, ","), table.concat(b, ","), table.concat(c, ","), pcall(table.move, {}, 1.5, 2, 1)
            """, chunkName: "move.lua")
        #expect(
            values == [
                "1,2,1,2,3", "1,2,3", "2,3,4,5,5", false,
                // What stock Lua says for a library function called from C (here by pcall).
                "bad argument #2 to 'table.move' (number has no integer representation)",
            ])
    }
}

struct PairsOrderTests {
    /// pairs over a plain table visits keys in a fixed order, whatever Lua's string hash
    /// does in this process; a table with __pairs keeps its own.
    @Test func pairsVisitsPlainTablesInAFixedOrder() throws {
        let script = """
            local t = { x = 1, [2] = 'b', [1] = 'a', [false] = 0, y = 2, [1.5] = 'h', b = 3 }
            t.gone = 1
            t.gone = nil
            local seen = {}
            for k, v in pairs(t) do seen[#seen + 1] = tostring(k) .. '=' .. tostring(v) end
            local custom = setmetatable({}, { __pairs = function(t) return function(_, k) if not k then return 'only', 1 end end, t, nil end })
            for k, v in pairs(custom) do seen[#seen + 1] = k end
            return table.concat(seen, ' ')
            """
        let expected: [LuaValue] = ["false=0 1=a 1.5=h 2=b b=3 x=1 y=2 only"]
        #expect(try LuaVM().run(script, chunkName: "pairs.lua") == expected)
        #expect(try LuaVM(seed: 99).run(script, chunkName: "pairs.lua") == expected)
    }
}
