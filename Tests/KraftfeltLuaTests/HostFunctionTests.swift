import Foundation
import Testing

@testable import KraftfeltLua

/// A test module: typed arguments, values, errors and suspension.
func testModule(log: @escaping (String) -> Void = { _ in }) -> HostModule {
    HostModule(
        "kf",
        functions: [
            HostFunction(
                "add", parameters: [Parameter("a", .integer), Parameter("b", .integer)], returns: "integer",
                summary: "Adds two integers."
            ) { call in .integer(try call.integer(0) &+ call.integer(1)) },
            HostFunction(
                "greet", parameters: [Parameter("name", .string), Parameter("times", .integer, optional: true)],
                returns: "string", summary: "Greets."
            ) { call in
                let times = call.isNil(1) ? 1 : try call.integer(1)
                return .string(String(repeating: "hej \(try call.string(0))! ", count: Int(max(0, min(times, 3)))))
            },
            HostFunction("echo", variadic: true, returns: "any", summary: "Returns its arguments.") { call in
                .values(try call.values())
            },
            HostFunction(
                "duration", parameters: [Parameter("time", .string)], returns: "integer",
                summary: "Seconds in a duration like 3m."
            ) { call in
                let text = try call.string(0)
                guard text.hasSuffix("m"), let minutes = Int64(text.dropLast()) else {
                    throw call.argumentError(0, expected: "a duration like \"3m\"")
                }
                return .integer(minutes * 60)
            },
            HostFunction("fail", summary: "Always fails.") { _ in throw HostError("the room is not ready") },
            HostFunction(
                "wait", parameters: [Parameter("what", .string)], returns: "any", summary: "Suspends the script."
            ) { call in
                .suspend(try call.string(0))
            },
        ])
}

struct HostFunctionTests {
    func vm() throws -> LuaVM { try LuaVM(modules: [testModule()]) }

    @Test func callsWithTypedArguments() throws {
        #expect(try vm().run("return kf.add(40, 2), kf.add(1.0, 2)", chunkName: "a.lua") == [42, 3])
        #expect(try vm().run("return kf.greet('Tue', 2)", chunkName: "a.lua") == ["hej Tue! hej Tue! "])
        #expect(try vm().run("return kf.greet('Tue', nil)", chunkName: "a.lua") == ["hej Tue! "])
    }

    static let badCalls: [(String, String)] = [
        ("kf.add(1, 'b')", "bad.lua:1: kf.add: argument 'b' must be an integer, got string"),
        ("kf.add(1)", "bad.lua:1: kf.add: argument 'b' must be an integer, got nothing"),
        ("kf.add(1, 2.5)", "bad.lua:1: kf.add: argument 'b' must be an integer, got a number with a fraction"),
        ("kf.add({}, 2)", "bad.lua:1: kf.add: argument 'a' must be an integer, got table"),
        ("kf.add(1, 2, 3)", "bad.lua:1: kf.add: expected at most 2 arguments, got 3"),
        ("kf.greet()", "bad.lua:1: kf.greet: argument 'name' must be a string, got nothing"),
        ("kf.greet('x', 'y')", "bad.lua:1: kf.greet: argument 'times' must be an integer, got string"),
        ("kf.duration(3)", "bad.lua:1: kf.duration: argument 'time' must be a string, got number"),
        (
            "kf.duration('3 minutes')",
            "bad.lua:1: kf.duration: argument 'time' must be a duration like \"3m\", got string"
        ),
        ("kf.fail()", "bad.lua:1: kf.fail: the room is not ready"),
        ("kf.echo(coroutine.create(print))", "bad.lua:1: kf.echo: argument '#1' is a thread, which cannot leave Lua"),
    ]

    @Test(arguments: badCalls)
    func wrongCallsSayWhichFunctionArgumentAndExpectation(_ call: String, _ expected: String) throws {
        let error = try #require(throws: ScriptError.self) { try vm().run(call, chunkName: "bad.lua") }
        #expect(error.code == .runtime)
        #expect(error.message == expected)
    }

    @Test func hostErrorsCanBeCaughtByPcall() throws {
        let values = try vm().run("local ok, e = pcall(kf.add, 1, 'x') return ok, e", chunkName: "p.lua")
        #expect(values == [false, "kf.add: argument 'b' must be an integer, got string"])
    }

    @Test func echoReturnsEveryValue() throws {
        let values = try vm().run("return kf.echo(1, 'two', { 3 }, nil, true)", chunkName: "e.lua")
        #expect(values == [1, "two", .table(LuaTable(array: [3])), nil, true])
    }

    @Test func modulesAreCopiedIntoEachEnvironment() throws {
        let vm = try vm()
        _ = try vm.run("kf.add = nil", chunkName: "tamper.lua")
        #expect(try vm.run("return kf.add(1, 1)", chunkName: "after.lua") == [2])
    }

    @Test func printGoesToTheHostLog() throws {
        var lines: [String] = []
        let vm = try LuaVM(output: { lines.append($0) })
        _ = try vm.run("print('a', 1, nil, true) print()", chunkName: "print.lua")
        #expect(lines == ["a\t1\tnil\ttrue", ""])
    }
}

struct SuspensionTests {
    @Test func aHostFunctionSuspendsAndTheHostResumesWithTheAnswer() throws {
        let vm = try LuaVM(modules: [testModule()])
        let f = try vm.load("local a = kf.wait('answers')\nlocal b = kf.wait('more')\nreturn a + b", chunkName: "w.lua")
        let thread = try vm.spawn(f)
        guard case .suspended(let first) = try thread.start() else { throw ScriptError(.state, "no suspension") }
        #expect(first as? String == "answers")
        #expect(thread.status == .suspended)
        guard case .suspended(let second) = try thread.resume(returning: [40]) else {
            throw ScriptError(.state, "no suspension")
        }
        #expect(second as? String == "more")
        guard case .finished(let values) = try thread.resume(returning: [2]) else {
            throw ScriptError(.state, "not finished")
        }
        #expect(values == [42])
        #expect(thread.status == .finished)
        let error = try #require(throws: ScriptError.self) { try thread.resume(returning: [1]) }
        #expect(error.message == "the script thread is not waiting (it is finished)")
    }

    @Test func resumingWithAnErrorRaisesItAtTheCall() throws {
        let vm = try LuaVM(modules: [testModule()])
        let f = try vm.load(
            "local ok, e = pcall(function() local v = kf.wait('x') return v end)\nif not ok then return 'caught: ' .. e end",
            chunkName: "r.lua")
        let thread = try vm.spawn(f)
        _ = try thread.start()
        guard case .finished(let values) = try thread.resume(throwing: "time is up") else {
            throw ScriptError(.state, "not finished")
        }
        #expect(values == ["caught: r.lua:1: time is up"])

        let g = try vm.load("\nlocal a = kf.wait('x')", chunkName: "u.lua")
        let second = try vm.spawn(g)
        _ = try second.start()
        let error = try #require(throws: ScriptError.self) { try second.resume(throwing: "the session ended") }
        #expect(error.message == "u.lua:2: the session ended")
        #expect(second.status == .failed)
    }

    @Test func waitingInsideTheScriptsOwnCoroutineIsAClearError() throws {
        let vm = try LuaVM(modules: [testModule()])
        let error = try #require(throws: ScriptError.self) {
            try vm.run(
                "local co = coroutine.wrap(function() return kf.wait('x') end)\nlocal r = co()\nreturn r",
                chunkName: "co.lua")
        }
        #expect(
            error.message
                == "co.lua:2: co.lua:1: kf.wait: cannot wait here: it was called inside a coroutine that the script created itself"
        )
    }

    @Test func waitingInsideASortComparatorIsAClearError() throws {
        let vm = try LuaVM(modules: [testModule()])
        let error = try #require(throws: ScriptError.self) {
            try vm.run("table.sort({ 2, 1 }, function(a, b) kf.wait('x') return a < b end)", chunkName: "s.lua")
        }
        #expect(
            error.message.hasPrefix("s.lua:1: kf.wait: cannot wait here: it was called where the script cannot wait"))
    }

    /// A thread that waits for the host belongs to the host: another script thread cannot
    /// resume it with a forged answer, nor close it.
    @Test func aScriptCannotResumeOrCloseAThreadThatWaitsForTheHost() throws {
        let vm = try LuaVM(modules: [testModule()])
        let chunk = try vm.load(
            """
            local waiting
            return function(role)
              if role == "first" then waiting = coroutine.running(); return kf.wait("x") end
              local r1 = { pcall(coroutine.resume, waiting, true, "forged") }
              local r2 = { pcall(coroutine.close, waiting) }
              return r1[2], r2[2]
            end
            """, chunkName: "forge.lua")
        guard case .function(let flow) = try vm.call(chunk).first else { throw ScriptError(.state, "no function") }
        let first = try vm.spawn(flow)
        _ = try first.start(["first"])
        guard case .finished(let values) = try vm.spawn(flow).start(["second"]) else {
            throw ScriptError(.state, "not finished")
        }
        #expect(
            values == [
                "cannot resume a script thread that waits for the host",
                "cannot close a script thread that waits for the host",
            ])
        guard case .finished(let answer) = try first.resume(returning: ["real"]) else {
            throw ScriptError(.state, "not finished")
        }
        #expect(answer == ["real"])
    }

    @Test func loadingLongAfterARunStillWorks() throws {
        let vm = try LuaVM(limits: SandboxLimits(instructionsPerRun: 1000, secondsPerRun: 0.05))
        _ = try vm.run("return 1", chunkName: "a.lua")
        Thread.sleep(forTimeInterval: 0.1)
        #expect(try vm.run("return 2", chunkName: "b.lua") == [2])
    }

    @Test func aScriptThatWaitsCannotBeRunWithCall() throws {
        let vm = try LuaVM(modules: [testModule()])
        let error = try #require(throws: ScriptError.self) { try vm.run("kf.wait('answers')", chunkName: "c.lua") }
        #expect(error.code == .state)
        #expect(error.message == "the script waited for the host (answers), but nothing here can resume it")
    }
}

struct ReferenceTests {
    @Test func theReferenceComesFromTheRegisteredDescriptions() {
        let reference = testModule().reference
        #expect(reference.hasPrefix("## `kf`\n"))
        #expect(reference.contains("### `kf.add(a, b)` → integer\n\nAdds two integers.\n"))
        #expect(reference.contains("| `a` | integer |  |\n| `b` | integer |  |\n"))
        #expect(reference.contains("### `kf.greet(name, [times])` → string"))
        #expect(reference.contains("| `times` | integer, optional |  |"))
        #expect(reference.contains("### `kf.echo(...)` → any"))
    }
}
