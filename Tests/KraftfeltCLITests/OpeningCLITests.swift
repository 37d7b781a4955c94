import Foundation
import GRDB
import Testing

/// What each command does with a data directory whose file is not a healthy Kraftfelt
/// store of this version: one line naming the file, and the file as it was.
struct OpeningCLITests {
    static let commands: [[String]] = [
        ["sessions"], ["export-participant", "p1"], ["resume", "ws1"], ["delete-session", "ws1"],
        ["rehearse", "maaling", "--participants", "2", "--exercises", TestFiles.exercises], ["upgrade"], ["retention"],
    ]

    /// Runs `command` on the data directory; it must fail with `message` and change nothing.
    func expectRefusal(_ command: [String], _ data: String, _ message: String) throws {
        let before = try TestFiles.checksums(data)
        let result = try Kraftfelt.run(command + ["--data", data], timeout: 30)
        #expect(result.status == 1, "\(command): \(result.stderr)")
        #expect(result.stderr == "error: \(data)/kraftfelt.sqlite: \(message)\n", "\(command)")
        #expect(try TestFiles.checksums(data) == before, "\(command) changed the data directory")
    }

    @Test(arguments: commands)
    func anotherProgramsDatabaseIsRefusedByEveryCommandUntouched(_ command: [String]) throws {
        let data = TestFiles.folder()
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try TestFiles.database(data + "/kraftfelt.sqlite", "CREATE TABLE session (id); CREATE TABLE notes (x)")
        try expectRefusal(
            command, data,
            "not a Kraftfelt database: it holds tables named like Kraftfelt's (session) but no Kraftfelt schema "
                + "record; nothing was changed")
    }

    @Test(arguments: commands)
    func aDamagedStoreIsReportedAsDamagedByEveryCommandUntouched(_ command: [String]) throws {
        let data = TestFiles.folder()
        _ = try Kraftfelt.run([
            "rehearse", "maaling", "--participants", "2", "--exercises", TestFiles.exercises, "--data", data,
        ])
        let path = data + "/kraftfelt.sqlite"
        try TestFiles.checkpoint(path)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes.replaceSubrange(100..<500, with: Data(repeating: 0xFF, count: 400))
        try bytes.write(to: URL(fileURLWithPath: path))
        try expectRefusal(
            command, data, "the database is damaged (database disk image is malformed); restore it from a backup")
    }

    /// A store of the previous version: read-only commands refuse it and say which command
    /// upgrades it; `upgrade` (or any command that writes) does.
    @Test func anOlderStoreIsUpgradedOnlyWhenAskedOrWrittenTo() throws {
        let data = TestFiles.folder()
        let first = try Kraftfelt.run(
            [
                "rehearse", "maaling", "--participants", "2", "--exercises", TestFiles.exercises, "--data", data,
                "--session", "m1",
            ])
        #expect(first.status == 0)
        let queue = try DatabaseQueue(path: data + "/kraftfelt.sqlite")
        try queue.write { db in
            try db.execute(
                sql: "DROP TABLE follow_up_measure; DROP TABLE follow_up; "
                    + "ALTER TABLE measure DROP COLUMN subjectKind; ALTER TABLE measure DROP COLUMN subjectId; "
                    + "ALTER TABLE measure DROP COLUMN area; ALTER TABLE measure DROP COLUMN text; "
                    + "ALTER TABLE measure DROP COLUMN other; ALTER TABLE measure DROP COLUMN otherArea; "
                    + "ALTER TABLE measure DROP COLUMN tags; ALTER TABLE exercise DROP COLUMN indicators; "
                    + "DROP TABLE session_lease; DROP TABLE server_value; ALTER TABLE session DROP COLUMN pack; "
                    + "DELETE FROM grdb_migrations WHERE identifier IN "
                    + "('v3-session-leases', 'v4-server-values', 'v5-session-pack', 'v6-measure-subjects-follow-ups')")
            try db.execute(sql: "PRAGMA application_id = 0")
        }
        try queue.close()
        let message =
            "the database has schema version 2 of Kraftfelt and this version reads 6: it must be upgraded first "
            + "(`kraftfelt upgrade --data \(data)` upgrades it, as does any command that writes)"
        try expectRefusal(["sessions"], data, message)
        try expectRefusal(["export-participant", "p1"], data, message)
        let upgraded = try Kraftfelt.run(["upgrade", "--data", data])
        #expect(upgraded.stdout == "\(data): upgraded the data from schema version 2\n")
        #expect(try Kraftfelt.run(["upgrade", "--data", data]).stdout == "\(data): the data is up to date\n")
        #expect(try Kraftfelt.run(["sessions", "--data", data]).stdout.hasPrefix("m1  maaling  finished  "))
    }

    @Test func readOnlyCommandsCreateNothing() throws {
        let data = TestFiles.folder()
        let listing = try Kraftfelt.run(["sessions", "--data", data])
        #expect(listing.status == 0 && listing.stdout == "no sessions in \(data)\n")
        let export = try Kraftfelt.run(["export-participant", "p1", "--data", data])
        #expect(export.status == 0 && export.stdout.contains("\"participant\" : \"p1\""))
        #expect(try Kraftfelt.run(["resume", "ws1", "--data", data]).stderr == "error: no session with id ws1\n")
        #expect(!FileManager.default.fileExists(atPath: data))
    }
}
