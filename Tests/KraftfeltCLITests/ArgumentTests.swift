import Foundation
import Testing

/// Every command's arguments: a value out of range, empty, not a number, a path to the
/// wrong kind of thing. Each gets one exact line and exit code 64 (usage) or 1 (run time),
/// never a trap.
struct ArgumentTests {
    static let folder: String = {
        let folder = TestFiles.folder("kraftfelt-args")
        try? FileManager.default.createDirectory(atPath: folder + "/dir.lua", withIntermediateDirectories: true)
        try? Data([0xC3, 0x28, 0x0A]).write(to: URL(fileURLWithPath: folder + "/latin.lua"))
        try? Data(repeating: 0x2D, count: (1 << 20) + 1).write(to: URL(fileURLWithPath: folder + "/big.lua"))
        try? Data("x".utf8).write(to: URL(fileURLWithPath: folder + "/file"))
        try? FileManager.default.createDirectory(atPath: folder + "/lib", withIntermediateDirectories: true)
        try? Data("return 1".utf8).write(to: URL(fileURLWithPath: folder + "/lib/tiny.lua"))
        return folder
    }()

    static let usage: [([String], String)] = [
        (["rehearse", "--param", ""], "--param must be name=value, got \"\""),
        (
            ["rehearse", "--param", "="],
            "--param needs a name of letters, digits and '_' (not starting with a digit, at most 64), got \"=\""
        ),
        (
            ["rehearse", "--param", "=value"],
            "--param needs a name of letters, digits and '_' (not starting with a digit, at most 64), got \"=value\""
        ),
        (["rehearse", "--param", "rounds"], "--param must be name=value, got \"rounds\""),
        (
            ["rehearse", "--param", "2x=1"],
            "--param needs a name of letters, digits and '_' (not starting with a digit, at most 64), got \"2x=1\""
        ),
        (["rehearse", "--param", "a=1", "--param", "a=2"], "--param a is given twice"),
        (
            ["rehearse", "--param", "a=\u{1B}[31m"],
            "--param a: the value must have at most 4096 bytes of text without control characters"
        ),
        (
            ["rehearse", "--param", "a=" + String(repeating: "v", count: 4097)],
            "--param a: the value must have at most 4096 bytes of text without control characters"
        ),
        (["rehearse", "--participants", "0"], "--participants must be from 1 to 5000, got 0"),
        (["rehearse", "--participants", "5001"], "--participants must be from 1 to 5000, got 5001"),
        (["rehearse", "--participants", "-1"], "Missing value for '--participants <participants>'"),
        (
            ["rehearse", "--participants", "99999999999999999999"],
            "The value '99999999999999999999' is invalid for '--participants <participants>'"
        ),
        (["rehearse", "--participants", "nan"], "The value 'nan' is invalid for '--participants <participants>'"),
        (["rehearse", "--areas", "0"], "--areas must be from 1 to 12, got 0"),
        (["rehearse", "--areas", "13"], "--areas must be from 1 to 12, got 13"),
        (["rehearse", "--seed", "1.5"], "The value '1.5' is invalid for '--seed <seed>'"),
        (
            ["rehearse", "--seed", "18446744073709551616"],
            "The value '18446744073709551616' is invalid for '--seed <seed>'"
        ),
        (["rehearse", "--language", "xx"], "--language must be da or en, got \"xx\""),
        (["rehearse", "--exercises", ""], "--exercises must name a path, got an empty one"),
        (["rehearse", "--data", ""], "--data must name a path, got an empty one"),
        (["rehearse", "--database", ""], "--database must name a path, got an empty one"),
        (["rehearse", "--data", "/tmp/x", "--database", "postgres://u@h/d"], "give --data or --database, not both"),
        (
            ["rehearse", "--verbose", "--data", "/tmp/x"],
            "--verbose cannot be used with --data or --database: a kept session is resumed with the usual "
                + "transcript, and resuming checks that the transcript is the same"
        ),
        (
            ["rehearse", "--organisation", ""],
            "--organisation must have 1 to 64 letters, digits, '-', '_' or '.', got \"\""
        ),
        (["run", ""], "the script must name a path, got an empty one"),
        (["run", "x.lua", "--memory", "0"], "--memory must be from 1 to 16384 MiB, got 0"),
        (["run", "x.lua", "--memory", "16385"], "--memory must be from 1 to 16384 MiB, got 16385"),
        (
            ["run", "x.lua", "--memory", "9223372036854775807"],
            "--memory must be from 1 to 16384 MiB, got 9223372036854775807"
        ),
        (["run", "x.lua", "--instructions", "0"], "--instructions must be positive, got 0"),
        (["run", "x.lua", "--seconds", "0"], "--seconds must be more than 0 and at most 86400, got 0.0"),
        (["run", "x.lua", "--seconds", "nan"], "--seconds must be more than 0 and at most 86400, got nan"),
        (["run", "x.lua", "--seconds", "inf"], "--seconds must be more than 0 and at most 86400, got inf"),
        (["run", "x.lua", "--seconds", "1e309"], "--seconds must be more than 0 and at most 86400, got inf"),
        (["run", "x.lua", "--seconds", "86401"], "--seconds must be more than 0 and at most 86400, got 86401.0"),
        (["run", "x.lua", "--seconds=-inf"], "--seconds must be more than 0 and at most 86400, got -inf"),
        (["run", "x.lua", "--seed", "x"], "The value 'x' is invalid for '--seed <seed>'"),
        (["sessions", "--data", ""], "--data must name a path, got an empty one"),
        (["sessions", "--data", "/tmp/x", "--database", "postgres://u@h/d"], "give --data or --database, not both"),
        (["retention", "--days", "0"], "--days must be from 1 to 36500, got 0"),
        (["retention", "--days", "36501"], "--days must be from 1 to 36500, got 36501"),
        (
            ["retention", "--days", "99999999999999999999"],
            "The value '99999999999999999999' is invalid for '--days <days>'"
        ),
        (
            ["export-participant", ""],
            "the participant id must have 1 to 256 bytes of text without control characters; got \"\""
        ),
        (
            ["delete-session", ""],
            "the session id must have 1 to 64 letters (A-Z, a-z), digits, '.', '_' or '-', not starting with '.' or '-'; got \"\""
        ),
        (["resume"], "Missing expected argument '<id>'"),
        (["upgrade", "--database", ""], "--database must name a path, got an empty one"),
        (["walk"], "Unexpected argument 'walk'"),
    ]

    @Test(arguments: usage)
    func usageErrorsGetOneExactLineAndExitCode64(_ arguments: [String], _ message: String) throws {
        let result = try Kraftfelt.run(arguments, in: Self.folder)
        #expect(result.reason == .exit && result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.stderr.components(separatedBy: "\n").first == "Error: \(message)", "\(arguments)")
        #expect(!result.stderr.contains("Fatal error"))
    }

    static var runtime: [([String], String)] {
        let f = folder
        return [
            (["rehearse", "\(f)/dir.lua"], "\(f)/dir.lua: cannot read the file: it is a directory"),
            (["rehearse", "\(f)/missing.lua"], "\(f)/missing.lua: cannot read the file: no such file"),
            (["rehearse", "\(f)/latin.lua"], "\(f)/latin.lua: cannot read the file as UTF-8 text"),
            (["rehearse", "\(f)/big.lua"], "\(f)/big.lua: the script has 1048577 bytes; the limit is 1048576"),
            (["rehearse", "/dev/null.lua"], "/dev/null.lua: cannot read the file: no such file"),
            (["rehearse", "nope", "--exercises", "\(f)/lib"], "no exercise \"nope\" in \(f)/lib/ (there are: tiny)"),
            (
                ["rehearse", "nope", "--exercises", f],
                "\(f)/big.lua: the script has 1048577 bytes; the limit is 1048576"
            ),
            (["run", "/dev/zero"], "/dev/zero: cannot read the file: it is not a regular file"),
            (["run", "\(f)/dir.lua"], "\(f)/dir.lua: cannot read the file: it is a directory"),
            (
                ["sessions", "--data", "\(f)/file"],
                "\(f)/file/kraftfelt.sqlite: cannot open the database (not a directory)"
            ),
            (
                ["rehearse", "--data", "\(f)/file/data", "--exercises", TestFiles.exercises, "--participants", "2"],
                "\(f)/file/data: cannot create the data directory"
            ),
            (
                ["rehearse", "--database", "mysql://x@y/z", "--exercises", TestFiles.exercises],
                "mysql://x@y/z: not a PostgreSQL URL like postgres://user:password@host:5432/database"
            ),
            (
                ["sessions", "--database", "postgres://"],
                "postgres://: not a PostgreSQL URL like postgres://user:password@host:5432/database"
            ),
            (
                ["sessions", "--database", "postgres://u@127.0.0.1:99999/d"],
                "postgres://u@127.0.0.1:99999/d: the port must be from 1 to 65535, got 99999"
            ),
            (["sessions", "--database", "postgres://u@127.0.0.1:1/d"], "postgres://u@127.0.0.1:1/d: "),
            (["resume", "nope", "--data", "\(f)/none"], "no session with id nope"),
            (["delete-session", "nope", "--data", "\(f)/none"], "no session with id nope"),
        ]
    }

    @Test(arguments: runtime)
    func runtimeErrorsGetOneLineAndExitCode1(_ arguments: [String], _ message: String) throws {
        let result = try Kraftfelt.run(arguments, timeout: 30, in: Self.folder)
        #expect(result.reason == .exit && result.status == 1, "\(arguments): \(result.stderr)")
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 1 && lines[0].hasPrefix("error: \(message)"), "\(arguments): \(result.stderr)")
    }

    /// An argument that is not UTF-8 would be read with replacement characters and name
    /// another path: it is refused before anything is parsed.
    @Test func argumentsThatAreNotUTF8AreRefused() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec \"$0\" sessions --data \"$(printf 'caf\\351')\"", Kraftfelt.binary.path]
        let err = Pipe()
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 64)
        #expect(
            String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                == "Error: argument 3 is not UTF-8 text\n")
    }

    @Test func helpIsPrintedToStandardOutputWithExitCode0() throws {
        let result = try Kraftfelt.run(["rehearse", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("OVERVIEW: Rehearse an exercise or programme"))
        #expect(result.stderr == "")
    }
}
