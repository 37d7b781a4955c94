import Testing

@testable import KraftfeltLua

struct ValueBridgeTests {
    /// Swift → Lua → Swift through a script that returns its arguments.
    func roundTrip(_ values: [LuaValue]) throws -> [LuaValue] {
        let vm = try LuaVM()
        let identity = try vm.load("return ...", chunkName: "identity.lua")
        return try vm.call(identity, values)
    }

    static let cases: [LuaValue] = [
        .nil, true, false, 0, 1, -1, .integer(.max), .integer(.min), 0.5, -0.0, 1e308, .number(.infinity),
        "", "hello", "æøå – Kraftfelt", .string(LuaString(bytes: [0, 1, 0, 255, 0])),
        .string(LuaString(bytes: [0xC3, 0x28, 0xFF])),
        .table(LuaTable()),
        .table(LuaTable(array: [1, "two", 3.5, true])),
        .table(LuaTable(["name": "Tue", "area": "Sundhed"])),
        .table(
            LuaTable(
                array: [.table(LuaTable(array: [1, 2])), .table(LuaTable(["deep": .table(LuaTable(array: ["x"]))]))],
                fields: [
                    LuaTable.Field(false, "f"), LuaTable.Field(true, "t"), LuaTable.Field(0, "zero"),
                    LuaTable.Field(2.5, "half"), LuaTable.Field(.string(LuaString(bytes: [0])), "nul key"),
                ])),
    ]

    @Test(arguments: cases)
    func roundTripsEveryType(_ value: LuaValue) throws {
        #expect(try roundTrip([value]) == [value])
    }

    @Test func roundTripsManyValuesAtOnce() throws {
        #expect(try roundTrip(Self.cases) == Self.cases)
    }

    @Test func integersAndFloatsStayApart() throws {
        let vm = try LuaVM()
        let values = try vm.run(
            "return math.type(1), math.type(1.0), 2^53, 9007199254740993, -0.0, 1/0 == math.huge",
            chunkName: "numbers.lua")
        #expect(values == ["integer", "float", 9_007_199_254_740_992.0, 9_007_199_254_740_993, -0.0, true])
    }

    @Test func stringsWithNulBytesKeepTheirLength() throws {
        let vm = try LuaVM()
        let s = LuaValue.string(LuaString(bytes: [97, 0, 98, 0, 0]))
        let f = try vm.load("local s = ... return #s, s:byte(2), s .. '!'", chunkName: "nul.lua")
        #expect(try vm.call(f, [s]) == [5, 0, .string(LuaString(bytes: [97, 0, 98, 0, 0, 33]))])
    }

    @Test func tablesFromLuaSplitIntoSequenceAndSortedFields() throws {
        let vm = try LuaVM()
        let values = try vm.run(
            "return { 'a', 'b', nil, 'd', zeta = 1, alpha = 2, [10] = 'ten', [true] = 'yes', [1.5] = 'x' }",
            chunkName: "table.lua")
        let table = try #require(values.first?.tableValue)
        #expect(table.array == ["a", "b"])
        #expect(
            table.fields == [
                LuaTable.Field(true, "yes"), LuaTable.Field(1.5, "x"), LuaTable.Field(4, "d"),
                LuaTable.Field(10, "ten"), LuaTable.Field("alpha", 2), LuaTable.Field("zeta", 1),
            ])
        #expect(table["alpha"] == 2)
        #expect(table[2] == "b")
    }

    @Test func conversionUsesRawAccessSoNoMetamethodRuns() throws {
        let vm = try LuaVM()
        let values = try vm.run(
            "return setmetatable({ 1 }, { __index = function() error('ran') end, __pairs = function() error('ran') end })",
            chunkName: "raw.lua")
        #expect(values == [.table(LuaTable(array: [1]))])
    }

    @Test func cyclicTablesAreRefusedWithAClearError() throws {
        let vm = try LuaVM()
        let error = try #require(throws: ScriptError.self) {
            try vm.run("local a = { name = 'a' } local b = { a } a.child = b return 1, a", chunkName: "cycle.lua")
        }
        #expect(error.code == .value)
        #expect(
            error.message
                == "the script returned a value that cannot leave Lua: result #2 is a table that contains itself (a cycle)"
        )
    }

    @Test func sharedButAcyclicTablesAreFine() throws {
        let vm = try LuaVM()
        let values = try vm.run("local shared = { 1 } return { shared, shared }", chunkName: "shared.lua")
        let inner = LuaValue.table(LuaTable(array: [1]))
        #expect(values == [.table(LuaTable(array: [inner, inner]))])
    }

    @Test func coroutinesCannotLeaveLua() throws {
        let vm = try LuaVM()
        let error = try #require(throws: ScriptError.self) {
            try vm.run("return coroutine.create(print)", chunkName: "co.lua")
        }
        #expect(error.code == .value)
        #expect(error.message.hasSuffix("result #1 is a thread, which cannot leave Lua"))
    }

    @Test func functionsCrossAsHandlesAndCanBeCalled() throws {
        let vm = try LuaVM()
        let values = try vm.run("local n = 10 return function(x) n = n + x return n end", chunkName: "f.lua")
        guard case .function(let counter) = try #require(values.first) else {
            Issue.record("expected a function")
            return
        }
        #expect(try vm.call(counter, [5]) == [15])
        #expect(try vm.call(counter, [5]) == [20])
        let other = try LuaVM()
        let error = try #require(throws: ScriptError.self) { try other.call(counter) }
        #expect(error.message == "the function belongs to another VM")
    }

    @Test func hostTablesWithNilOrNaNKeysAreRefused() throws {
        let vm = try LuaVM()
        let identity = try vm.load("return ...", chunkName: "identity.lua")
        for key: LuaValue in [.nil, .number(.nan)] {
            let error = try #require(throws: ScriptError.self) {
                try vm.call(identity, [.table(LuaTable(fields: [LuaTable.Field(key, 1)]))])
            }
            #expect(error.code == .value)
            #expect(error.message.hasPrefix("cannot pass a value to the script: a table key cannot be"))
        }
        #expect(try vm.call(identity, [1]) == [1])
    }
}
