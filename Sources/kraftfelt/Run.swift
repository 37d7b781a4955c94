import ArgumentParser
import Foundation
import KraftfeltLua

/// `kraftfelt run FILE.lua`: runs a script in the sandbox and prints what it returns.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a Lua script in the sandbox and print what it returns.",
        discussion: """
            The script runs with the same limits as an exercise in a session. On an error, \
            one line says what went wrong and where, and the exit code is 1.
            """
    )

    @Argument(help: "The Lua script to run.")
    var file: String

    @Option(help: "Memory limit in MiB (1–16384).")
    var memory: Int = 64

    @Option(help: "Instruction budget (at least 1).")
    var instructions: Int64 = 100_000_000

    @Option(help: "Wall-clock limit in seconds (more than 0, at most 86400).")
    var seconds: Double = 2

    @Option(help: "Seed for math.random.")
    var seed: Int64 = 0

    @Flag(help: "Print the Lua traceback after an error.")
    var traceback = false

    func validate() throws {
        try Inputs.path(file, option: "the script")
        guard (1...16_384).contains(memory) else {
            throw ValidationError("--memory must be from 1 to 16384 MiB, got \(memory)")
        }
        guard instructions > 0 else { throw ValidationError("--instructions must be positive, got \(instructions)") }
        guard seconds > 0 && seconds <= 86_400 else {
            throw ValidationError("--seconds must be more than 0 and at most 86400, got \(seconds)")
        }
    }

    func run() throws {
        let chunkName = (file as NSString).lastPathComponent
        let limits = SandboxLimits(
            memoryBytes: memory << 20, instructionsPerRun: instructions, secondsPerRun: seconds)
        let source = try Inputs.scriptBytes(file, limit: limits.sourceBytes)
        do {
            let vm = try LuaVM(
                limits: limits, seed: seed, modules: TestingModule.modules, output: { Terminal.print($0) })
            let watchdog = Supervision.watch(vm.activity, limits: limits)
            defer { watchdog.stop() }
            let main = try vm.load(bytes: Array(source), chunkName: chunkName)
            let results = try vm.call(main)
            for value in results { Terminal.print(LuaFormatter.format(value)) }
        } catch {
            if traceback, let trace = error.traceback { Terminal.block(trace) }
            throw CLIError(error.message)
        }
    }
}
