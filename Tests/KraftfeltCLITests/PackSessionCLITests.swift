import Foundation
import GRDB
import Testing

/// A session from a pack, as the command line shows and runs it: `sessions show` names the
/// pack, and a rehearsal of an untrusted pack's session runs its scripts in a worker.
@Suite(.serialized) struct PackSessionCLITests {
    static let hash = "3f2a9c01b7e4d5a6f7081928374655647382910abcdefabcdefabcdefabcdef0"

    static func pack(trusted: Bool, permissions: [String]) -> String {
        let list = permissions.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"hash":"\#(hash)","id":"org.liberatingstructures.core","permissions":[\#(list)],"#
            + #""trusted":\#(trusted),"version":"1.0.0"}"#
    }

    /// Changes the stored session as SQL would (the command line has no way yet to start a
    /// session from a pack).
    static func update(_ data: String, _ sql: String, _ arguments: StatementArguments = []) throws {
        let queue = try DatabaseQueue(path: data + "/kraftfelt.sqlite")
        try queue.write { db in try db.execute(sql: sql, arguments: arguments) }
        try queue.close()
    }

    @Test func sessionsShowNamesThePack() throws {
        let data = TestFiles.folder()
        let rehearsed = try Kraftfelt.run(
            [
                "rehearse", "maaling", "--participants", "2", "--exercises", TestFiles.exercises, "--data", data,
                "--session", "m1",
            ], timeout: 60)
        #expect(rehearsed.status == 0)
        let plain = try Kraftfelt.run(["sessions", "show", "m1", "--data", data])
        #expect(plain.status == 0)
        #expect(plain.stdout.hasPrefix("session: m1\nexercise: maaling\nstate: finished\nevents: "), "\(plain.stdout)")
        #expect(
            plain.stdout.contains("\nkind: rehearsal, 2 bots from 4 areas\nscripts: maaling.lua"), "\(plain.stdout)")
        #expect(!plain.stdout.contains("pack:"))

        try Self.update(data, "UPDATE session SET pack = ?", [Self.pack(trusted: true, permissions: ["measures"])])
        let packed = try Kraftfelt.run(["sessions", "show", "m1", "--data", data])
        #expect(packed.status == 0)
        #expect(
            packed.stdout.contains(
                "\npack: org.liberatingstructures.core 1.0.0 (sha256 3f2a9c01b7e4…, trusted, permissions: measures)\n"),
            "\(packed.stdout)")
        try Self.update(data, "UPDATE session SET pack = ?", [Self.pack(trusted: false, permissions: [])])
        #expect(
            try Kraftfelt.run(["sessions", "show", "m1", "--data", data]).stdout.contains(
                "\npack: org.liberatingstructures.core 1.0.0 (sha256 3f2a9c01b7e4…, untrusted, permissions: none)\n"))
        // The listing is as before.
        #expect(try Kraftfelt.run(["sessions", "--data", data]).stdout.hasPrefix("m1  maaling  finished  "))

        let unknown = try Kraftfelt.run(["sessions", "show", "nope", "--data", data])
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "error: no session with id nope\n")
    }

    /// A rehearsal continued from the store (`resume` of a rehearsal goes through the
    /// host) of an untrusted pack's session that spins in C: it runs in a worker, whose
    /// watchdog ends the session, and the command prints its transcript to the error (in
    /// this process the command's own watchdog would end the process instead, printing
    /// no transcript).
    @Test func anUntrustedPacksRehearsalRunsInAWorker() throws {
        let script = try TestFiles.script("stuck.lua", WatchdogCommandTests.stuck)
        let data = TestFiles.folder()
        let environment = WatchdogCommandTests.testing
        let first = try Kraftfelt.run(
            ["rehearse", script, "--participants", "3", "--data", data, "--session", "s1"], timeout: 30,
            environment: environment)
        #expect(first.status == 1 && first.stdout.isEmpty, "in this process, the command's watchdog ends it")
        try Self.update(
            data, "UPDATE session SET pack = ?, state = 'running'; DELETE FROM event",
            [Self.pack(trusted: false, permissions: [])])
        let resumed = try Kraftfelt.run(["resume", "s1", "--data", data], timeout: 60, environment: environment)
        #expect(!resumed.timedOut)
        #expect(resumed.status == 1)
        #expect(resumed.stdout.hasPrefix("[00:00] session open (code "), "\(resumed.stdout)")
        #expect(resumed.stdout.contains("] Cecilie (Teknik og miljø) joined\n"), "\(resumed.stdout)")
        #expect(resumed.stdout.hasSuffix("] error: \(WatchdogCommandTests.message)\n"), "\(resumed.stdout)")
        #expect(resumed.stderr == "error: \(WatchdogCommandTests.message)\n", "\(resumed.stderr)")
        let listing = try Kraftfelt.run(["sessions", "--data", data])
        #expect(listing.stdout.hasPrefix("s1  \(script)  failed: \(WatchdogCommandTests.message)  "))
    }
}
