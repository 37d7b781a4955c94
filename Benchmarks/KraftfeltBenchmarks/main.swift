import CKraftfeltBenchSupport
import CLua
import Foundation
import KraftfeltLua

// Kraftfelt's runtime benchmarks. Every ratio compares against a baseline measured in this
// same run, on this machine, so a noisy machine moves both sides. Run: scripts/bench.sh

/// `kraftfelt-bench [NAME…]` runs only the named parts: calls lupa create memory hook patterns
/// matching engine storage worker live sessions rehearsal.
let only = Set(CommandLine.arguments.dropFirst())
func wanted(_ name: String) -> Bool { only.isEmpty || only.contains(name) }

let calls = Int(ProcessInfo.processInfo.environment["KRAFTFELT_BENCH_CALLS"] ?? "") ?? 10_000_000
let generous = SandboxLimits(instructionsPerRun: 1 << 40, secondsPerRun: 600)
let callLoop = "local add = %@ local x = 0 for i = 1, \(calls) do x = add(i, 2) end return x"

func addModule() -> HostModule {
    HostModule(
        "kf",
        functions: [
            HostFunction(
                "add", parameters: [Parameter("a", .integer), Parameter("b", .integer)], returns: "integer",
                summary: "Adds two integers."
            ) { call in .integer(try call.integer(0) &+ call.integer(1)) }
        ])
}

func plainState() -> (OpaquePointer, UnsafeMutablePointer<Int>) {
    let bytes = UnsafeMutablePointer<Int>.allocate(capacity: 1)
    return (kfbench_new_state(bytes)!, bytes)
}

func runPlain(_ source: String, hook: Bool = false) -> Double {
    let (state, bytes) = plainState()
    if hook { kfbench_set_hook(state, 1000) }
    defer {
        lua_close(state)
        bytes.deallocate()
    }
    return best { _ = kfbench_run(state, source) }
}

@MainActor func runSandboxed(_ source: String, limits: SandboxLimits) throws -> Double {
    let vm = try LuaVM(limits: limits, modules: [addModule()])
    let f = try vm.load(source, chunkName: "bench.lua")
    return try best { _ = try vm.call(f) }
}

var rows: [Row] = []
var hostCallSeconds: Double?

// 1. A host function with two typed arguments and one result, against a raw lua_CFunction.
if wanted("calls") {
    let (plain, bytes) = plainState()
    defer {
        lua_close(plain)
        bytes.deallocate()
    }
    let rawLoop = callLoop.replacingOccurrences(of: "%@", with: "add")
    let hostLoop = callLoop.replacingOccurrences(of: "%@", with: "kf.add")
    let bare = try LuaVM(limits: .unlimited, modules: [addModule()])
    let bareLoop = try bare.load(hostLoop, chunkName: "bench.lua")
    let (raw, host) = try bestOfAlternating(
        first: { _ = kfbench_run(plain, rawLoop) }, second: { _ = try bare.call(bareLoop) })
    rows.append(
        Row(
            name: "host function call, no hook", value: nanoseconds(host, per: calls),
            baseline: "raw C " + nanoseconds(raw, per: calls), ratio: host / raw, target: "≤ 1.5×",
            met: host / raw <= 1.5))

    kfbench_set_hook(plain, 1000)
    let limited = try LuaVM(limits: generous, modules: [addModule()])
    let limitedLoop = try limited.load(hostLoop, chunkName: "bench.lua")
    let (rawHooked, hostLimited) = try bestOfAlternating(
        first: { _ = kfbench_run(plain, rawLoop) }, second: { _ = try limited.call(limitedLoop) })
    hostCallSeconds = hostLimited
    rows.append(
        Row(
            name: "host function call, limits on", value: nanoseconds(hostLimited, per: calls),
            baseline: "raw C, same hook " + nanoseconds(rawHooked, per: calls), ratio: hostLimited / rawHooked,
            target: "≤ 1.5×", met: hostLimited / rawHooked <= 1.5))
}

// 2. The peer: lupa calling a Python function from Lua 5.4.
if wanted("lupa") {
    let lupaScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "../lupa_bench.py")
    let python = Process()
    python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    python.arguments = ["python3", lupaScript.standardizedFileURL.path, String(calls / 10)]
    let pipe = Pipe()
    python.standardOutput = pipe
    python.standardError = FileHandle.nullDevice
    if (try? python.run()) != nil {
        python.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let hostCall =
            try hostCallSeconds
            ?? runSandboxed(callLoop.replacingOccurrences(of: "%@", with: "kf.add"), limits: generous)
        let hostNs = hostCall / Double(calls) * 1e9
        if let lupaNs = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            rows.append(
                Row(
                    name: "same loop in lupa (Lua→Python)", value: nanoseconds(hostCall, per: calls),
                    baseline: String(format: "lupa %.1f ns", lupaNs), ratio: lupaNs / hostNs,
                    target: "report (lupa ÷ kraftfelt)"))
        } else {
            rows.append(
                Row(name: "same loop in lupa", value: "–", baseline: "lupa not installed", ratio: nil, target: "–"))
        }
    }
}

// 3. Creating a sandboxed VM and loading a 200-line script, against a plain state doing the same.
if wanted("create") {
    let script200 = (0..<40).map { i in
        """
        local function step\(i)(s, names)
          local groups, size = {}, 2 + \(i) % 3
          for index, name in ipairs(names) do local g = (index - 1) // size + 1; groups[g] = groups[g] or {}; table.insert(groups[g], name) end
          return groups, #groups > 0 and s or nil
        end
        """
    }.joined(separator: "\n")
    precondition(script200.split(separator: "\n").count == 200)
    let creations = 2000
    let createSandboxed = try best {
        for _ in 0..<creations {
            let vm = try LuaVM()
            _ = try vm.load(script200, chunkName: "exercise.lua")
        }
    }
    let createPlain = best {
        for _ in 0..<creations {
            let (state, bytes) = plainState()
            _ = script200.withCString { kfbench_load(state, $0, strlen($0)) }
            lua_close(state)
            bytes.deallocate()
        }
    }
    rows.append(
        Row(
            name: "new sandboxed VM + load 200 lines",
            value: String(format: "%.3f ms", createSandboxed / Double(creations) * 1e3),
            baseline: String(format: "plain %.3f ms", createPlain / Double(creations) * 1e3),
            ratio: createSandboxed / createPlain, target: "≤ 1 ms",
            met: createSandboxed / Double(creations) <= 0.001))
}

// 4. Memory of one idle sandboxed VM (the Lua heap), against a plain state with all libraries.
if wanted("memory") {
    let idle = try LuaVM()
    let (plain, plainBytes) = plainState()
    rows.append(
        Row(
            name: "idle sandboxed VM (Lua heap)", value: "\(idle.memoryUsed / 1024) KB",
            baseline: "plain state \(plainBytes.pointee / 1024) KB",
            ratio: Double(idle.memoryUsed) / Double(plainBytes.pointee), target: "≤ 100 KB",
            met: idle.memoryUsed <= 100 * 1024))
    lua_close(plain)
    plainBytes.deallocate()
}

// 5. The instruction hook on a pure-Lua loop.
if wanted("hook") {
    let pureLoop = "local x = 0 for i = 1, 50000000 do x = x + i % 7 end return x"
    let withHook = try runSandboxed(pureLoop, limits: generous)
    let withoutHook = try runSandboxed(pureLoop, limits: .unlimited)
    rows.append(
        Row(
            name: "pure Lua loop, hook every 1000", value: String(format: "%.0f ms", withHook * 1e3),
            baseline: String(format: "no hook %.0f ms", withoutHook * 1e3), ratio: withHook / withoutHook,
            target: "report"))
}

// 6. The budgeted pattern matcher against Lua's own, on ordinary input.
if wanted("patterns") {
    let matches = 1_000_000
    let patternLoop =
        "local s = 'kontakt: tue.hansen@kommune.dk, tlf 12345678' local n = 0 for i = 1, \(matches) do if s:find('(%w+)@(%w+)%.dk') then n = n + 1 end end return n"
    let stockFind = runPlain(patternLoop)
    let budgetedFind = try runSandboxed(patternLoop, limits: generous)
    rows.append(
        Row(
            name: "string.find, budgeted matcher", value: nanoseconds(budgetedFind, per: matches),
            baseline: "stock " + nanoseconds(stockFind, per: matches), ratio: budgetedFind / stockFind, target: "report"
        ))

}

// 7. Cross-area matching: the assignment solver against scipy's linear_sum_assignment.
if wanted("matching") {
    rows += try matchingRows()
}

// 8. The engine: a 2,000-bot rehearsal, and 1,000 sessions of 20 bots alive in one process.
if wanted("engine") {
    rows += try engineRows()
}

// 9. Storage: appending events durably, against a plain SQLite insert loop; replay speed.
if wanted("storage") {
    rows += try storageRows()
}

// 10. A session in a supervised worker process, against the host's own process.
if wanted("worker") {
    rows += try workerRows()
}

// 11. The live host: one session taking answers from many tasks; many sessions on one clock.
if wanted("live") { rows += try await liveAnswerRows() }
if wanted("sessions") { rows += try await liveSessionRows() }
if wanted("rehearsal") { rows += try await liveRehearsalRows() }

printReport(rows)
