import Foundation
import Synchronization
import Testing

/// Runs the built `kraftfelt` binary as a user would.
struct Kraftfelt {
    static let binary: URL = {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent("kraftfelt")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        return testBinary.deletingLastPathComponent().appendingPathComponent("kraftfelt")
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double
        var timedOut: Bool
        /// `.exit`, or `.uncaughtSignal` when a signal ended it (a trap, or the timeout's kill).
        var reason: Process.TerminationReason = .exit
    }

    /// Runs kraftfelt with these arguments; kills it after `timeout` seconds. Standard
    /// output and error are read while it runs, so a long transcript never blocks it.
    /// - Parameter environment: the process's whole environment (default: this one's).
    static func run(
        _ arguments: [String], timeout: Double = 10, environment: [String: String]? = nil, in folder: String? = nil
    ) throws -> Result {
        try start(arguments, environment: environment, in: folder).wait(timeout: timeout)
    }

    /// Starts kraftfelt; ``Running/wait(timeout:)`` collects what it did.
    static func start(_ arguments: [String], environment: [String: String]? = nil, in folder: String? = nil) throws
        -> Running
    {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let start = Date()
        try process.run()
        return Running(process: process, start: start, stdout: Collector(out), stderr: Collector(err))
    }

    /// A kraftfelt process that runs.
    struct Running {
        let process: Process
        let start: Date
        let stdout: Collector
        let stderr: Collector

        var pid: Int32 { process.processIdentifier }

        /// Waits for it to end, killing it after `timeout` seconds from its start.
        func wait(timeout: Double) -> Result {
            let deadline = start.addingTimeInterval(timeout)
            var timedOut = false
            while process.isRunning {
                if Date() > deadline {
                    kill(process.processIdentifier, SIGKILL)
                    timedOut = true
                    break
                }
                usleep(5_000)
            }
            process.waitUntilExit()
            return Result(
                status: process.terminationStatus, stdout: stdout.text(), stderr: stderr.text(),
                seconds: Date().timeIntervalSince(start), timedOut: timedOut, reason: process.terminationReason)
        }
    }

    /// Reads a pipe to its end on a thread of its own.
    final class Collector: Sendable {
        private let data = Mutex(Data())
        private let done = DispatchSemaphore(value: 0)

        init(_ pipe: Pipe) {
            let handle = pipe.fileHandleForReading
            Thread { [self] in
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    data.withLock { $0.append(chunk) }
                }
                done.signal()
            }.start()
        }

        /// Everything, once the pipe is closed (the process ended).
        func text() -> String {
            done.wait()
            done.signal()
            return soFar()
        }

        /// What was read until now, while the process still runs.
        func soFar() -> String {
            String(decoding: data.withLock { $0 }, as: UTF8.self)
        }
    }

    static let hostileFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../KraftfeltLuaTests/Hostile").standardizedFileURL

    static var hostileScripts: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: hostileFolder.path)) ?? [])
            .filter { $0.hasSuffix(".lua") }.sorted()
    }

    static func temporaryFile(_ name: String, _ contents: Data) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kraftfelt-cli-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try contents.write(to: url)
        return url
    }
}

@Suite(.serialized) struct RunCommandTests {
    /// The shipped exercises come with the binary: a rehearsal works from any directory,
    /// and one that is kept names its session without telling a finished one to continue.
    @Test func aShippedExerciseRehearsesFromAnyDirectory() throws {
        let data = NSTemporaryDirectory() + "kraftfelt-anywhere-\(UUID().uuidString)"
        let result = try Kraftfelt.run(
            ["rehearse", "maaling", "--participants", "3", "--data", data, "--session", "m1"], timeout: 30,
            in: NSTemporaryDirectory())
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("— Måling —"))
        #expect(result.stderr == "session m1, kept in \(data)\n")
        let unknown = try Kraftfelt.run(["rehearse", "nope"], in: NSTemporaryDirectory())
        #expect(unknown.status == 1)
        #expect(unknown.stderr.hasPrefix("error: no exercise \"nope\" in the shipped exercises (there are: "))
        #expect(unknown.stderr.contains("summegrupper"))
    }

    /// A large room's answers are counted; `--verbose` lists every one by name.
    @Test func verboseListsEveryAnswer() throws {
        let script = try TestFiles.script(
            "poll.lua",
            """
            return kf.exercise { id = "poll", title = { da = "Poll", en = "Poll" }, minutes = 2,
              run = function(s)
                s:ask(s.everyone, { da = "Ja eller nej?", en = "Yes or no?", kind = "choice", options = { "ja", "nej" }, time = "1m" })
              end }
            """)
        let counted = try Kraftfelt.run(["rehearse", script, "--participants", "20"], timeout: 30)
        #expect(counted.status == 0, "\(counted.stderr)")
        let countLine = try #require(counted.stdout.split(separator: "\n").first { $0.contains("answers: ja ") })
        #expect(countLine.contains(", nej "), "\(countLine)")
        let listed = try Kraftfelt.run(["rehearse", script, "--participants", "20", "--verbose"], timeout: 30)
        #expect(listed.status == 0, "\(listed.stderr)")
        let lines = listed.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.hasSuffix("answers:") })
        let answered = try #require(lines[start - 1].split(separator: " ").dropFirst().first.flatMap { Int($0) })
        let named = lines[(start + 1)...].prefix {
            $0.hasPrefix("          ") && ($0.hasSuffix(": ja") || $0.hasSuffix(": nej"))
        }
        #expect(answered > 12 && named.count == answered, "\(listed.stdout)")
        #expect(!listed.stdout.contains("answers: ja "))
    }

    @Test func theBinaryIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: Kraftfelt.binary.path), "\(Kraftfelt.binary.path)")
        #expect(Kraftfelt.hostileScripts.count >= 30)
    }

    /// Every hostile script ends within 5 s with exit code 1 and one line naming what went wrong.
    @Test(arguments: Kraftfelt.hostileScripts)
    func hostileScriptsEndWithOneLineAndExitCodeOne(_ name: String) throws {
        let result = try Kraftfelt.run(["run", Kraftfelt.hostileFolder.appendingPathComponent(name).path], timeout: 5)
        #expect(!result.timedOut, "\(name) was still running after 5 s")
        #expect(result.status == 1, "\(name): exit \(result.status), stderr: \(result.stderr)")
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 1, "\(name): \(result.stderr)")
        #expect(result.stderr.hasPrefix("error: \(name):") || result.stderr.hasPrefix("error: "), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"), "\(result.stderr)")
        #expect(!result.stderr.contains("stack traceback"), "\(result.stderr)")
    }

    /// The README's run command runs this example: it must keep working, and mix the areas.
    @Test func theExampleMixesEveryGroupAcrossAreas() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Examples/buzz-groups.lua").standardizedFileURL
        for seed in ["1", "7", "42"] {
            let result = try Kraftfelt.run(["run", example.path, "--seed", seed])
            #expect(result.status == 0, "\(result.stderr)")
            let groups = result.stdout.split(separator: "\n").filter { $0.hasPrefix("Gruppe ") }
            #expect(groups.count == 4)
            #expect(groups.allSatisfy { $0.hasSuffix("— 3 områder") }, "\(groups)")
        }
        let a = try Kraftfelt.run(["run", example.path, "--seed", "7"])
        let b = try Kraftfelt.run(["run", example.path, "--seed", "7"])
        #expect(a.stdout == b.stdout)
    }

    @Test func printsWhatTheScriptReturns() throws {
        let file = try Kraftfelt.temporaryFile(
            "groups.lua", Data("print('hej')\nreturn 42, 'tekst', { 1, 2, navn = 'Tue' }, 0.5\n".utf8))
        let result = try Kraftfelt.run(["run", file.path])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdout == "hej\n42\n\"tekst\"\n{\n  1,\n  2,\n  navn = \"Tue\",\n}\n0.5\n")
    }

    @Test func tracebackIsShownOnlyWhenAskedFor() throws {
        let file = try Kraftfelt.temporaryFile("boom.lua", Data("local function f()\n  error('boom')\nend\nf()\n".utf8))
        let plain = try Kraftfelt.run(["run", file.path])
        #expect(plain.status == 1)
        #expect(plain.stderr == "error: boom.lua:2: boom\n")
        let traced = try Kraftfelt.run(["run", "--traceback", file.path])
        #expect(traced.stderr.contains("stack traceback:"))
        #expect(traced.stderr.contains("boom.lua:4: in main chunk"))
        #expect(traced.stderr.hasSuffix("error: boom.lua:2: boom\n"))
    }

    static let badInvocations: [([String], Int32, String)] = [
        (["run", "/nonexistent/x.lua"], 1, "error: /nonexistent/x.lua: cannot read the file: no such file\n"),
        (["run", "/tmp"], 1, "error: /tmp: cannot read the file: it is a directory\n"),
        (["run", "x.lua", "--memory", "0"], 64, "Error: --memory must be from 1 to 16384 MiB, got 0"),
        (["run", "x.lua", "--seconds=-1"], 64, "Error: --seconds must be more than 0 and at most 86400, got -1.0"),
        (["run"], 64, "Error: Missing expected argument '<file>'"),
        (["walk"], 64, "Error: Unexpected argument 'walk'"),
    ]

    @Test(arguments: badInvocations)
    func badInvocationsGetAClearMessage(_ arguments: [String], _ status: Int32, _ message: String) throws {
        let result = try Kraftfelt.run(arguments)
        #expect(result.status == status)
        #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
    }

    @Test func oversizedAndBinaryFilesAreRefused() throws {
        let big = try Kraftfelt.temporaryFile("big.lua", Data(repeating: UInt8(ascii: "-"), count: (1 << 20) + 1))
        let result = try Kraftfelt.run(["run", big.path])
        #expect(result.status == 1)
        #expect(result.stderr == "error: \(big.path): the script has 1048577 bytes; the limit is 1048576\n")

        let binary = try Kraftfelt.temporaryFile("compiled.lua", Data([0x1B, 0x4C, 0x75, 0x61, 0x54, 0, 1, 2]))
        let refused = try Kraftfelt.run(["run", binary.path])
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == "error: compiled.lua: precompiled (binary) chunks are not accepted; load the source text\n")
    }

    @Test func messagesWithNewlinesStayOnOneLine() throws {
        let file = try Kraftfelt.temporaryFile("multi.lua", Data("error('first\\nsecond', 0)".utf8))
        let result = try Kraftfelt.run(["run", file.path])
        // error(…, 0) asks for no position; the host names the line all the same.
        #expect(result.stderr == "error: multi.lua:1: first\\nsecond\n")
    }
}
