import Foundation
import Testing

/// A seeded fuzz test: a few hundred argument lists built from the real commands and
/// options and hostile values. Whatever it is given, the binary ends by itself, in time,
/// with exit code 0, 1 or 64, and never with a Swift trap.
///
/// Reproduce a run with `KRAFTFELT_FUZZ_SEED=… KRAFTFELT_FUZZ_RUNS=…`; a failure names the
/// seed and the argument list.
@Suite(.serialized) struct FuzzTests {
    /// SplitMix64: the same seed gives the same argument lists on every machine.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Where the fuzzed commands may write: a folder of their own, with a few files to
    /// point at. They run there, with no data directory or database of the user's.
    struct Playground {
        let root: String
        let data: String
        let tiny: String
        let hostile: String
        let file: String
        let directoryScript: String

        init() throws {
            root = TestFiles.folder("kraftfelt-fuzz")
            data = root + "/data"
            tiny = root + "/tiny.lua"
            hostile = root + "/hostile.lua"
            file = root + "/file"
            directoryScript = root + "/dir.lua"
            let manager = FileManager.default
            try manager.createDirectory(atPath: root + "/home", withIntermediateDirectories: true)
            try manager.createDirectory(atPath: directoryScript, withIntermediateDirectories: true)
            try Data(
                """
                return kf.exercise { id = "tiny", title = { da = "Lille", en = "Tiny" }, minutes = 1,
                  run = function(s) s:timer("1m", { da = "Vent", en = "Wait" }) end }
                """.utf8
            ).write(to: URL(fileURLWithPath: tiny))
            try Data(TestFiles.hostile.utf8).write(to: URL(fileURLWithPath: hostile))
            try Data("print('hej')\nreturn 1, 'x\\27[31m'\n".utf8).write(to: URL(fileURLWithPath: root + "/run.lua"))
            try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        }

        var environment: [String: String] {
            [
                "HOME": root + "/home", "KRAFTFELT_DATA": data, "XDG_DATA_HOME": root + "/home",
                "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
            ]
        }

        var hostileValues: [String] {
            [
                "", "=", "-", "--", "-1", "0", "1", "2", "12", "5000", "5001", "99999999999999999999",
                "-99999999999999999999", "nan", "inf", "-inf", "1e309", "0x10", "3.5", "\u{1B}[31m", "\r", "\u{7}",
                "a b", "../x", "æøå", "\u{202E}", "\u{9B}", String(repeating: "a", count: 5000), "ws1", "p1",
                "default", "da", "en", "x=1", "rounds=4", "=1", "a=\u{1B}", data, root + "/other", file, file + "/x",
                directoryScript, tiny, hostile, root + "/run.lua", root + "/missing.lua", "/dev/zero", "/dev/null",
                "postgres://u@127.0.0.1:1/db", "postgres://", "mysql://x@y/z", "postgres://u@127.0.0.1:99999/db",
            ]
        }
    }

    /// Each command's options and whether they take a value, and what its arguments are.
    static let commands: [(name: String, options: [(String, Bool)], arguments: Int)] = [
        (
            "rehearse",
            [
                ("--participants", true), ("--areas", true), ("--seed", true), ("--language", true),
                ("--exercises", true), ("--param", true), ("--data", true), ("--database", true), ("--session", true),
                ("--organisation", true),
            ], 1
        ),
        ("resume", [("--data", true), ("--database", true)], 1),
        ("sessions", [("--data", true), ("--database", true)], 0),
        ("export-participant", [("--data", true), ("--database", true)], 1),
        ("anonymise-participant", [("--data", true), ("--database", true)], 1),
        ("delete-session", [("--data", true), ("--database", true)], 1),
        (
            "retention",
            [
                ("--organisation", true), ("--days", true), ("--keep-forever", false), ("--data", true),
                ("--database", true),
            ],
            0
        ),
        ("upgrade", [("--data", true), ("--database", true)], 0),
        (
            "run",
            [
                ("--memory", true), ("--instructions", true), ("--seconds", true), ("--seed", true),
                ("--traceback", false),
            ],
            1
        ),
        ("reference", [], 0),
    ]

    static func arguments(_ generator: inout Generator, _ playground: Playground) -> [String] {
        let values = playground.hostileValues
        func value() -> String { values[Int(generator.next() % UInt64(values.count))] }
        let roll = generator.next() % 20
        if roll == 0 { return (0..<Int(generator.next() % 4)).map { _ in value() } }  // no command at all
        let command = commands[Int(generator.next() % UInt64(commands.count))]
        var list = [command.name]
        for _ in 0..<Int(generator.next() % 7) {
            switch generator.next() % 10 {
            case 0...5 where !command.options.isEmpty:
                let (option, takesValue) = command.options[Int(generator.next() % UInt64(command.options.count))]
                if takesValue && generator.next() % 3 == 0 {
                    list.append("\(option)=\(value())")
                } else {
                    list.append(option)
                    if takesValue { list.append(value()) }
                }
            case 6,
                7 where command.arguments > 0:
                list.append(value())
            case 8: list.append(["--help", "-h", "--", "--bogus", "-x"][Int(generator.next() % 5)])
            default: list.append(value())
            }
        }
        return list
    }

    @Test func randomArgumentListsNeverTrapOrHang() throws {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["KRAFTFELT_FUZZ_SEED"].flatMap { UInt64($0) } ?? 20_240_611
        let runs = environment["KRAFTFELT_FUZZ_RUNS"].flatMap { Int($0) } ?? 300
        let playground = try Playground()
        var generator = Generator(state: seed)
        let start = Date()
        var exits: [Int32: Int] = [:]
        for run in 0..<runs {
            let arguments = Self.arguments(&generator, playground)
            let shown = arguments.map { $0.count > 40 ? String($0.prefix(40)) + "…" : $0 }
            let result = try Kraftfelt.run(
                arguments, timeout: 20, environment: playground.environment, in: playground.root)
            let context = "seed \(seed), run \(run): \(shown)"
            #expect(!result.timedOut, "\(context): still running after 20 s")
            #expect(result.reason == .exit, "\(context): ended by signal \(result.status)")
            #expect([0, 1, 64].contains(result.status), "\(context): exit \(result.status)\n\(result.stderr)")
            for text in [result.stdout, result.stderr] {
                #expect(!text.contains("Fatal error") && !text.contains("Swift runtime failure"), "\(context): \(text)")
                #expect(!TestFiles.hasRawControl(text), "\(context): a control character reached the terminal")
            }
            exits[result.status, default: 0] += 1
        }
        #expect(Date().timeIntervalSince(start) < 120, "the fuzz runs took too long")
        #expect(exits.count >= 2, "every run ended the same way: \(exits)")
    }
}
