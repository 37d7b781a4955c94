import Foundation
import Synchronization
import Testing

@testable import KraftfeltLua

/// A host runs one step per input: every script run inside shares its budget, and a stop
/// is recorded where it happened, so a replay can stop at the same place.
struct StepTests {
    /// A module whose `tick` counts its calls and whose `wait` suspends.
    final class Probe: @unchecked Sendable {  // used on the test's thread only
        var ticks = 0
        lazy var module = HostModule(
            "probe",
            functions: [
                HostFunction("tick", summary: "counts") { [unowned self] _ in
                    ticks += 1
                    return .none
                },
                HostFunction("wait", summary: "waits", suspends: true) { _ in .suspend("w") },
            ])
    }

    @Test func runsInOneStepShareOneBudget() throws {
        let script = "for i = 1, 800000 do end probe.wait() for i = 1, 800000 do end"
        let probe = Probe()
        let vm = try LuaVM(limits: SandboxLimits(instructionsPerRun: 2_000_000), modules: [probe.module])
        let thread = try vm.spawn(try vm.load(script, chunkName: "budget.lua"))
        // Outside a step, each run has a budget of its own: both halves fit.
        guard case .suspended = try thread.start() else { throw ScriptError(.state, "expected a wait") }
        guard case .finished = try thread.resume() else { throw ScriptError(.state, "expected the end") }

        // Two threads started in one step share it: the second runs out.
        vm.beginStep()
        let a = try vm.spawn(try vm.load(script, chunkName: "a.lua"))
        let b = try vm.spawn(try vm.load(script, chunkName: "b.lua"))
        _ = try a.start()
        let error = try #require(throws: ScriptError.self) {
            _ = try b.start()
            _ = try a.resume()
        }
        vm.endStep()
        #expect(error.code == .instructionLimit)
        #expect(vm.stopPosition?.limit == .instructions)
    }

    /// A stop made by the clock is logged by its position in work; a replay given that
    /// position, with no clock at all, stops at the very same place: the same host calls
    /// made, the same work done.
    @Test func aReplayStopsWhereTheLiveRunWasStopped() throws {
        let script = "local n = 0 while true do n = n + 1 probe.tick() local s = ('x'):rep(n % 64) end"
        let probe = Probe()
        let live = try LuaVM(
            limits: SandboxLimits(instructionsPerRun: nil, secondsPerRun: 0.05), modules: [probe.module])
        live.beginStep()
        let error = try #require(throws: ScriptError.self) { try live.run(script, chunkName: "spin.lua") }
        live.endStep()
        #expect(error.code == .timeLimit)
        let position = try #require(live.stopPosition)
        #expect(position.limit == .time)
        let liveTicks = probe.ticks

        let again = Probe()
        let replay = try LuaVM(
            limits: SandboxLimits(instructionsPerRun: nil, secondsPerRun: 0.05), modules: [again.module])
        replay.beginStep(replaying: true, stoppingAt: position)
        let replayed = try #require(throws: ScriptError.self) { try replay.run(script, chunkName: "spin.lua") }
        replay.endStep()
        #expect(replayed.code == .timeLimit)
        #expect(replay.stopPosition == position)
        #expect(again.ticks == liveTicks)
    }

    /// The work of a step is counted the same way in every run, library calls included.
    @Test func workIsCountedTheSameInEveryRun() throws {
        let script = """
            local s = ("abc"):rep(100000)
            local t = {}
            for i = 1, 200 do t[i] = s:upper():sub(i, i + 10) end
            table.sort(t)
            return #table.concat(t)
            """
        var counts: [Int64] = []
        for _ in 0..<2 {
            let vm = try LuaVM()
            vm.beginStep()
            _ = try vm.run(script, chunkName: "work.lua")
            counts.append(vm.stepWork)
            vm.endStep()
        }
        #expect(counts[0] == counts[1])
        // 200 upper() of 300 kB, charged by their bytes: far more than the instructions.
        #expect(counts[0] > 200 * 300_000 / 16)
    }

    /// A host function that takes its time is a check point: the deadline is noticed when
    /// the next call starts, not only when Lua runs a thousand more instructions.
    @Test func theDeadlineIsCheckedWhenAHostFunctionIsCalled() throws {
        let calls = Atomic<Int>(0)
        let slow = HostFunction("slow", summary: "sleeps") { _ in
            calls.add(1, ordering: .relaxed)
            usleep(20_000)
            return .none
        }
        let vm = try LuaVM(
            limits: SandboxLimits(instructionsPerRun: nil, secondsPerRun: 0.2),
            modules: [HostModule("kf", functions: [slow])])
        let error = try #require(throws: ScriptError.self) {
            try vm.run("while true do kf.slow() end", chunkName: "slow.lua")
        }
        #expect(error.code == .timeLimit)
        #expect(calls.load(ordering: .relaxed) < 30)
    }
}
