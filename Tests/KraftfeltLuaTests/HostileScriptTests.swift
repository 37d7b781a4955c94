import Foundation
import Testing

@testable import KraftfeltLua

/// One hostile script from `Hostile/`, with what its header says must happen.
struct HostileScript: CustomTestStringConvertible, Sendable {
    let name: String
    let source: String
    let expectedCode: String
    let expectedMessage: String
    /// The wall-clock limit for this script (`-- seconds: N`); generous unless it tests time.
    let seconds: Double
    /// The instruction budget (`-- instructions: N`); 20 million unless the script races the clock.
    let instructions: Int64

    var testDescription: String { name }

    static let all: [HostileScript] = {
        let folder = Bundle.module.url(forResource: "Hostile", withExtension: nil)!
        let files = try! FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        return files.filter { $0.pathExtension == "lua" }.sorted { $0.lastPathComponent < $1.lastPathComponent }.map {
            let source = try! String(contentsOf: $0, encoding: .utf8)
            func header(_ key: String) -> String {
                source.split(separator: "\n").first { $0.hasPrefix("-- \(key): ") }.map {
                    String($0.dropFirst("-- \(key): ".count))
                } ?? ""
            }
            return HostileScript(
                name: $0.lastPathComponent, source: source, expectedCode: header("expect"),
                expectedMessage: header("message"), seconds: Double(header("seconds")) ?? 20,
                instructions: Int64(header("instructions")) ?? 20_000_000)
        }
    }()
}

/// Serialized: the scripts race a wall-clock deadline, so they should not share the cores.
@Suite(.serialized) struct HostileScriptTests {
    @Test func thereAreAtLeastThirtyHostileScripts() {
        #expect(HostileScript.all.count >= 30)
        #expect(HostileScript.all.allSatisfy { !$0.expectedCode.isEmpty && !$0.expectedMessage.isEmpty })
    }

    @Test(arguments: HostileScript.all)
    func failsWithTheExpectedErrorAndLeavesTheHostWorking(_ script: HostileScript) throws {
        let vm = try LuaVM(
            limits: SandboxLimits(instructionsPerRun: script.instructions, secondsPerRun: script.seconds))
        var caught: ScriptError?
        do {
            let results = try vm.run(script.source, chunkName: script.name)
            Issue.record("\(script.name) returned \(results) instead of failing")
        } catch {
            caught = error
        }
        let error = try #require(caught)
        #expect(error.code.description == script.expectedCode, "\(script.name): \(error.message)")
        #expect(error.message.contains(script.expectedMessage), "\(script.name): \(error.message)")
        #expect(!error.message.isEmpty)

        // The same process, a fresh VM: a normal script still runs.
        let fresh = try LuaVM()
        #expect(try fresh.run("local s = 0 for i = 1, 100 do s = s + i end return s", chunkName: "ok.lua") == [5050])
    }
}
