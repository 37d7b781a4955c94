import Foundation
import Testing

/// Ids outside the syntax are refused by every command, and nothing a script, a store or a
/// user typed reaches the terminal with its control characters.
struct HostileTextTests {
    static let hostileIDs: [String] = [
        "", ".hidden", "a b", "\u{1B}[31mred", "\r", "bell\u{7}", "../up", "a/b", "æble",
        String(repeating: "x", count: 5000),
    ]

    /// How a message shows a refused id: quoted, escaped, clipped after 64 bytes.
    static func shown(_ id: String) -> String {
        let escaped = id.replacingOccurrences(of: "\u{1B}", with: "\\u001B").replacingOccurrences(of: "\r", with: "\\r")
            .replacingOccurrences(of: "\u{7}", with: "\\u0007")
        return id.utf8.count > 64
            ? "\"\(String(repeating: "x", count: 64))…\" (\(id.utf8.count) bytes)" : "\"\(escaped)\""
    }

    static let rule = "1 to 64 letters (A-Z, a-z), digits, '.', '_' or '-', not starting with '.' or '-'"

    @Test(arguments: hostileIDs)
    func everyCommandRefusesASessionIDOutsideTheSyntax(_ id: String) throws {
        let data = TestFiles.folder()
        let cases: [([String], String)] = [
            (
                ["resume", "--data", data, "--", id],
                "Error: the session id must have \(Self.rule); got \(Self.shown(id))\n"
            ),
            (
                ["delete-session", "--data", data, "--", id],
                "Error: the session id must have \(Self.rule); got \(Self.shown(id))\n"
            ),
            (
                ["rehearse", "--data", data, "--session", id],
                "Error: --session must have \(Self.rule); got \(Self.shown(id))\n"
            ),
        ]
        for (arguments, message) in cases {
            let result = try Kraftfelt.run(arguments)
            #expect(result.status == 64, "\(arguments)")
            #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
            #expect(!TestFiles.hasRawControl(result.stderr + result.stdout))
        }
        #expect(!FileManager.default.fileExists(atPath: data), "a refused id created the data directory")
    }

    @Test(arguments: ["", "\u{1B}]0;title\u{7}", String(repeating: "p", count: 300)])
    func participantIDsWithControlCharactersOrTooLongAreRefused(_ id: String) throws {
        for command in ["export-participant", "anonymise-participant"] {
            let result = try Kraftfelt.run([command, "--data", TestFiles.folder(), "--", id])
            #expect(result.status == 64)
            #expect(
                result.stderr.hasPrefix(
                    "Error: the participant id must have 1 to 256 bytes of text without control characters; got "))
            #expect(!TestFiles.hasRawControl(result.stderr))
        }
    }

    /// A script's title, prints, measure names, timer labels and error try to steer the
    /// terminal: the transcript, the listing and the error show them escaped, each record
    /// on its own line.
    @Test func whatAScriptWritesIsEscapedEverywhereItIsShown() throws {
        let script = try TestFiles.script("hostile.lua", TestFiles.hostile)
        let data = TestFiles.folder()
        let result = try Kraftfelt.run(["rehearse", script, "--participants", "2", "--data", data, "--session", "h1"])
        #expect(result.status == 1)
        #expect(!TestFiles.hasRawControl(result.stdout + result.stderr))
        #expect(
            result.stdout.contains(
                "print: \\u001B[31mred\\u0007 and \\u001B]0;title\\u0007 and \\r overwrite \\u009B csi \\u202E bidi\n"))
        #expect(result.stdout.contains("measure \\u001B[2Jwiped = 1\n"))
        #expect(result.stdout.contains("  hostile.\\u001B[2Jwiped = 1.00\n"))
        #expect(result.stderr.hasSuffix("error: hostile.lua:9: \\u001B[31mboom\\r\\n\\u0007\n"), "\(result.stderr)")
        let listing = try Kraftfelt.run(["sessions", "--data", data])
        #expect(
            listing.stdout
                == "h1  \(script)  failed: hostile.lua:9: \\u001B[31mboom\\r\\n\\u0007  10 events  (rehearsal, 2 bots)\n"
        )
        let resumed = try Kraftfelt.run(["resume", "h1", "--data", data])
        #expect(
            resumed.stderr
                == "error: session h1 failed: hostile.lua:9: \\u001B[31mboom\\r\\n\\u0007; nothing to resume\n")
        #expect(!TestFiles.hasRawControl(resumed.stdout + resumed.stderr))
    }

    @Test func whatARunScriptPrintsAndReturnsIsEscaped() throws {
        let file = try TestFiles.script(
            "steer.lua", "print('a\\27[2Jb\\226\\128\\174c\\7')\nreturn 'x\\194\\155y', 'bidi\\226\\128\\174'\n")
        let result = try Kraftfelt.run(["run", file])
        #expect(result.status == 0)
        #expect(result.stdout == "a\\u001B[2Jb\\u202Ec\\u0007\n\"x\\u009By\"\n\"bidi\\u202E\"\n")
    }

    @Test func aPathWithControlCharactersIsShownEscaped() throws {
        let result = try Kraftfelt.run(["rehearse", "/nonexistent/\u{1B}[31m.lua"])
        #expect(result.status == 1)
        #expect(result.stderr == "error: /nonexistent/\\u001B[31m.lua: cannot read the file: no such file\n")
    }
}
