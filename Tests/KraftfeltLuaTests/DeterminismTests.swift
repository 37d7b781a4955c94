import Testing

@testable import KraftfeltLua

/// Every order and text a script can observe is a function of the script and the VM's
/// seed: not of addresses, hash seeds or clocks. Two VMs in one process have different
/// heaps, so what depended on addresses differs between them as it would between two
/// processes (the cross-process test is in the CLI suite).
struct DeterminismTests {
    /// Runs the same script in two VMs and returns both results.
    func twice(_ script: String, seed: Int64 = 7) throws -> ([LuaValue], [LuaValue]) {
        let first = try LuaVM(seed: seed).run(script, chunkName: "twice.lua")
        // Allocate a little in between, so the second VM's objects sit elsewhere.
        let padding = (0..<100).map { _ in try? LuaVM() }
        defer { _ = padding }
        let second = try LuaVM(seed: seed).run(script, chunkName: "twice.lua")
        return (first, second)
    }

    @Test func pairsAndNextVisitTableKeysInTheOrderTheTablesWereMade() throws {
        let script = """
            local made, set = {}, {}
            for i = 1, 30 do made[i] = { n = i } end
            for i = 30, 1, -1 do set[made[(i * 7) % 30 + 1]] = true end
            local viaPairs, viaNext = {}, {}
            for k in pairs(set) do viaPairs[#viaPairs + 1] = k.n end
            local k = next(set)
            while k do viaNext[#viaNext + 1] = k.n; k = next(set, k) end
            return table.concat(viaPairs, ","), table.concat(viaNext, ",")
            """
        let expected = (1...30).map(String.init).joined(separator: ",")
        let (a, b) = try twice(script)
        #expect(a == [.string(LuaString(expected)), .string(LuaString(expected))])
        #expect(a == b)
    }

    @Test func keysOfEveryKindHaveOneOrder() throws {
        let script = """
            local f1 = function() end
            local co = coroutine.create(f1)
            local f2 = function() end
            local t = { [co] = "thread", [f2] = "f2", [f1] = "f1", [{}] = "table", x = "x", [2.5] = "2.5",
                        [1] = "1", [true] = "true", [false] = "false", ["a\\0b"] = "a0b", a = "a", [-3] = "-3" }
            local seen = {}
            for _, v in pairs(t) do seen[#seen + 1] = v end
            return table.concat(seen, " ")
            """
        let (a, b) = try twice(script)
        #expect(a == ["false true -3 1 2.5 a a0b x table f1 f2 thread"])
        #expect(a == b)
    }

    @Test func nextContinuesWhileFieldsAreCleared() throws {
        let script = """
            local t = {}
            for i = 1, 100 do t["k" .. i] = i end
            local sum, k, v = 0, next(t)
            while k do
              sum = sum + v
              t[k] = nil
              k, v = next(t, k)
            end
            return sum, next(t), pcall(next, t, "not a key")
            """
        let values = try LuaVM().run(script, chunkName: "clear.lua")
        #expect(values == [5050, .nil, false, "invalid key to 'next'"])
    }

    @Test func tostringAndFormatNameObjectsWithoutAddresses() throws {
        let script = """
            local t = setmetatable({}, { __name = "Group" })
            return tostring({}), tostring(t), string.format("%s|%p|%-6p|%s|%p", {}, {}, {}, "text", 5),
              tostring(print), tostring(coroutine.create(print))
            """
        let (a, b) = try twice(script)
        #expect(a == b)
        let texts = a.compactMap(\.text)
        #expect(texts.count == 5)
        #expect(!texts.contains { $0.contains("0x5") || $0.contains("0x7") }, "\(texts)")
        #expect(texts[0].hasPrefix("table: #"))
        #expect(texts[1].hasPrefix("Group: #"))
        #expect(texts[3] == "function: builtin")
    }

    @Test func sortOrdersTiesTheSameWayInEveryVMWithTheSameSeed() throws {
        let script = """
            local t = {}
            for i = 1, 2000 do t[i] = { v = (i * 7919) % 5, id = i } end
            table.sort(t, function(a, b) return a.v < b.v end)
            local ids = {}
            for i = 1, #t do
              assert(i == 1 or t[i - 1].v <= t[i].v)
              ids[i] = t[i].id
            end
            return table.concat(ids, ",")
            """
        let (a, b) = try twice(script)
        #expect(a == b)
        #expect(
            try LuaVM(seed: 7).run("local t = {3, 1, 2} table.sort(t) return table.concat(t)", chunkName: "s.lua") == [
                "123"
            ])
    }

    @Test func sortStillFindsInconsistentComparisons() throws {
        let error = try #require(throws: ScriptError.self) {
            try LuaVM().run(
                "local t = {} for i = 1, 1000 do t[i] = (i * 7919) % 1000 end\ntable.sort(t, function() return true end)",
                chunkName: "bad.lua")
        }
        #expect(error.message == "bad.lua:2: invalid order function for sorting")
    }

    @Test func randomseedIsLuasAndNeverReadsTheClock() throws {
        let script = """
            local x, y = math.randomseed()
            local r = math.random(0)
            math.randomseed(x, y)
            assert(math.random(0) == r, "reseeding with the returned seeds repeats the numbers")
            math.randomseed(42)
            local a = math.random(1, 1000000)
            math.randomseed(42)
            assert(math.random(1, 1000000) == a)
            return x, y, a
            """
        let (first, second) = try twice(script)
        #expect(first == second)
        let other = try LuaVM(seed: 8).run(script, chunkName: "other.lua")
        #expect(other[0] != first[0], "another session's seed draws other seeds")
        #expect(other[2] == first[2], "math.randomseed(42) is the same everywhere")
        let error = try #require(throws: ScriptError.self) {
            try LuaVM().run("math.randomseed(1.5)", chunkName: "seed.lua")
        }
        #expect(error.message == "seed.lua:1: bad argument #1 to 'randomseed' (number has no integer representation)")
    }
}

/// The metatable Lua reads is a sealed copy of the script's: checked once, unchangeable.
struct SealedMetatableTests {
    @Test func classesAndMetamethodsWorkAsUsual() throws {
        let values = try LuaVM().run(
            """
            local Point = {}
            Point.__index = Point
            function Point.new(x, y) return setmetatable({ x = x, y = y }, Point) end
            function Point.__add(a, b) return Point.new(a.x + b.x, a.y + b.y) end
            function Point.__tostring(p) return "(" .. p.x .. "," .. p.y .. ")" end
            function Point:length() return self.x + self.y end
            local p = Point.new(1, 2) + Point.new(3, 4)
            local closed = false
            do local c <close> = setmetatable({}, { __close = function() closed = true end }) end
            local called = setmetatable({}, { __call = function(_, a) return a * 2 end })
            return tostring(p), p:length(), getmetatable(p) == Point, closed, called(21)
            """, chunkName: "class.lua")
        #expect(values == ["(4,6)", 10, true, true, 42])
    }

    @Test func changingTheScriptsTableLaterHasNoEffect() throws {
        let values = try LuaVM().run(
            """
            local mt = {}
            local t = setmetatable({}, mt)
            mt.__index = function() return "late" end
            mt.__gc = function() end
            mt.__mode = "k"
            return t.anything, getmetatable(t) == mt, rawget(getmetatable(t), "__index") ~= nil
            """, chunkName: "late.lua")
        #expect(values == [.nil, true, true])
    }

    @Test(arguments: [
        ("setmetatable({}, { __gc = print })", "setmetatable: __gc metamethods are not allowed in Kraftfelt scripts"),
        ("setmetatable({}, { __gc = true })", "setmetatable: __gc metamethods are not allowed in Kraftfelt scripts"),
        (
            "setmetatable({}, { __mode = 'v' })",
            "setmetatable: weak tables (__mode) are not allowed in Kraftfelt scripts"
        ),
        ("setmetatable({}, { __call = 5 })", "setmetatable: '__call' must be a function, got a number"),
        ("setmetatable(setmetatable({}, { __metatable = 'locked' }), {})", "cannot change a protected metatable"),
        ("setmetatable('', {})", "bad argument #1 to 'setmetatable' (table expected, got string)"),
    ])
    func refusedMetatablesSayWhy(_ script: String, _ message: String) throws {
        let error = try #require(throws: ScriptError.self) { try LuaVM().run(script, chunkName: "m.lua") }
        #expect(error.message == "m.lua:1: " + message)
    }

    @Test func aProtectedMetatableShowsItsField() throws {
        let values = try LuaVM().run(
            """
            local t = setmetatable({}, { __metatable = "locked", __index = { a = 1 } })
            local u = setmetatable({}, {})
            setmetatable(u, nil)
            return getmetatable(t), t.a, getmetatable(u)
            """, chunkName: "p.lua")
        #expect(values == ["locked", 1, .nil])
    }
}
