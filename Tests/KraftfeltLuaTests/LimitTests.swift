import Foundation
import Synchronization
import Testing

@testable import KraftfeltLua

struct LimitTests {
    @Test func instructionLimitNamesTheLimitAndTheLine() throws {
        let vm = try LuaVM(limits: SandboxLimits(instructionsPerRun: 1_000_000))
        let error = try #require(throws: ScriptError.self) {
            try vm.run("local x = 0\nwhile true do x = x + 1 end", chunkName: "spin.lua")
        }
        #expect(error.code == .instructionLimit)
        #expect(
            error.message
                == "spin.lua:2: instruction limit exceeded: the script ran more than 1000000 instructions without waiting"
        )
        #expect(error.location?.chunk == "spin.lua")
        #expect(error.location?.line == 2)
        #expect(error.traceback?.contains("spin.lua:2") == true)
    }

    @Test func aStoppedVMRunsNothingMore() throws {
        let vm = try LuaVM(limits: SandboxLimits(instructionsPerRun: 100_000))
        #expect(throws: ScriptError.self) { try vm.run("while true do end", chunkName: "a.lua") }
        let error = try #require(throws: ScriptError.self) { try vm.run("return 1", chunkName: "b.lua") }
        #expect(error.code == .stopped)
        #expect(error.message.hasPrefix("the VM was stopped earlier: a.lua:1: instruction limit exceeded"))
    }

    @Test func theBudgetIsPerRunSoAWaitingScriptGetsAFreshOne() throws {
        let wait = HostFunction("wait", summary: "waits") { _ in .suspend("w") }
        let vm = try LuaVM(
            limits: SandboxLimits(instructionsPerRun: 2_000_000), modules: [HostModule("kf", functions: [wait])])
        let f = try vm.load(
            "local n = 0\nfor round = 1, 5 do\n  for i = 1, 100000 do n = n + 1 end\n  kf.wait()\nend\nreturn n",
            chunkName: "rounds.lua")
        let thread = try vm.spawn(f)
        var step = try thread.start()
        var rounds = 0
        while case .suspended = step {
            rounds += 1
            step = try thread.resume()
        }
        guard case .finished(let values) = step else { throw ScriptError(.state, "not finished") }
        #expect(rounds == 5)
        #expect(values == [500_000])
    }

    @Test func memoryLimitIsEnforcedAndStopsTheVM() throws {
        let vm = try LuaVM(limits: SandboxLimits(memoryBytes: 4 << 20))
        let error = try #require(throws: ScriptError.self) {
            try vm.run("local t = {} for i = 1, 1e7 do t[i] = i end", chunkName: "grow.lua")
        }
        #expect(error.code == .memoryLimit)
        #expect(error.message == "grow.lua:1: memory limit exceeded: the script needed more than its limit (4 MiB)")
        #expect(vm.memoryUsed <= 4 << 20)
        #expect(vm.stopPosition?.limit == .memory)
        // Like the other limits, running out of memory is final: exactly where memory runs
        // out can differ between processes, so no script may go on and depend on it.
        let again = try #require(throws: ScriptError.self) { try vm.run("return 1 + 1", chunkName: "after.lua") }
        #expect(again.code == .stopped)
    }

    @Test func pcallCannotCatchTheMemoryLimit() throws {
        let vm = try LuaVM(limits: SandboxLimits(memoryBytes: 4 << 20))
        let error = try #require(throws: ScriptError.self) {
            try vm.run(
                "local ok, e = pcall(string.rep, 'x', 1e7)\nprint(ok)\nreturn ok, e", chunkName: "catch.lua")
        }
        #expect(error.code == .memoryLimit)
        #expect(error.message.hasPrefix("catch.lua:2: memory limit exceeded"))
        #expect(vm.memoryPeak <= 4 << 20)
    }

    @Test func timeLimitStopsSlowWork() throws {
        let vm = try LuaVM(limits: SandboxLimits(instructionsPerRun: nil, secondsPerRun: 0.2))
        let start = Date()
        let error = try #require(throws: ScriptError.self) {
            try vm.run("while true do local s = string.rep('x', 1e6) end", chunkName: "slow.lua")
        }
        #expect(error.code == .timeLimit)
        #expect(error.message.contains("time limit exceeded: the script ran for more than 0.2 seconds"))
        #expect(Date().timeIntervalSince(start) < 30)
    }

    @Test func sourceLargerThanTheLimitIsRefusedBeforeParsing() throws {
        let vm = try LuaVM(limits: SandboxLimits(sourceBytes: 100))
        let error = try #require(throws: ScriptError.self) {
            try vm.load(String(repeating: "-", count: 101), chunkName: "big.lua")
        }
        #expect(error.code == .tooLarge)
        #expect(error.message == "big.lua: the script has 101 bytes; the limit is 100")
    }

    /// A script spinning in one VM never stops another VM from finishing: the normal
    /// script completes while the spinning one is still running on the other thread (it
    /// spins until the test releases it, with no time limit, so the order does not depend
    /// on timing: on a busy machine the test's own wake-ups can take minutes).
    @Test func aSpinningVMDoesNotHoldUpANormalOne() async throws {
        let release = Atomic<Bool>(false)
        let spinning = Atomic<Bool>(false)
        let hostileDone = Atomic<Bool>(false)
        let hostile = Thread {
            let spin = HostFunction("spin", returns: "boolean", summary: "Whether to keep spinning.") { _ in
                spinning.store(true, ordering: .relaxed)
                return .boolean(!release.load(ordering: .relaxed))
            }
            let vm = try! LuaVM(
                limits: SandboxLimits(instructionsPerRun: nil, secondsPerRun: nil),
                modules: [HostModule("kf", functions: [spin])])
            _ = try? vm.run("while kf.spin() do for i = 1, 1000 do end end", chunkName: "spin.lua")
            hostileDone.store(true, ordering: .relaxed)
        }
        hostile.start()
        while !spinning.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(10)) }
        let vm = try LuaVM()
        let result = try vm.run(
            "local t = {} for i = 1, 10000 do t[i] = i * i end return #t", chunkName: "normal.lua")
        #expect(result == [10000])
        #expect(hostileDone.load(ordering: .relaxed) == false)
        release.store(true, ordering: .relaxed)
        while !hostileDone.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(10)) }
    }
}
