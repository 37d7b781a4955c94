import Foundation
import GRDB
import KraftfeltEngine
import PostgresNIO
import Testing

@testable import KraftfeltStore

/// The bytes of every file in a data directory but SQLite's shared-memory index (which
/// readers write to), each as an FNV-1a checksum: what "left as it was" means. An empty
/// file counts as none (a reader of a WAL database may leave an empty -wal).
func checksums(_ directory: String) throws -> [String: UInt64] {
    var sums: [String: UInt64] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: directory) where !name.hasSuffix("-shm") {
        var isDirectory: ObjCBool = false
        let path = directory + "/" + name
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            sums[name] = 0
            continue
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        if data.isEmpty { continue }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        sums[name] = hash
    }
    return sums
}

/// Files at a store's path that are not (or no longer) a healthy Kraftfelt store, and what
/// opening them says. Shared with the CLI tests through the same shapes.
enum BadFile {
    /// Writes a database with GRDB, outside any Kraftfelt code.
    static func database(_ path: String, _ sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: sql) }
        try queue.close()
    }

    /// A Kraftfelt store with one session, closed (its WAL folded into the file).
    static func store(_ directory: String, upTo version: Int = SQLiteSchema.version) throws {
        let queue = try DatabaseQueue(path: directory + "/kraftfelt.sqlite")
        try SQLiteSchema.migrator.migrate(queue, upTo: SQLiteSchema.identifiers[version - 1])
        try queue.close()
        if version == SQLiteSchema.version {
            let store = try SQLiteStore(directory: directory)
            try store.createSession(SessionRecord(id: "s", exercise: "x", definition: sampleDefinition))
            for i in 0..<200 { try store.append(.trainer(.advance, at: Int64(i)), to: "s") }
        }
    }

    static func overwrite(_ path: String, at offset: Int, with bytes: [UInt8]) throws {
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        data.replaceSubrange(offset..<offset + bytes.count, with: bytes)
        try data.write(to: URL(fileURLWithPath: path))
    }

    static func truncate(_ path: String, to size: Int) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(size).write(to: URL(fileURLWithPath: path))
    }

    /// (name, how to make it in a directory, code, message after "PATH: ").
    static let cases: [(String, @Sendable (String) throws -> Void, StoreError.Code, String)] = [
        (
            "a text file",
            { try Data("garbage, not sqlite".utf8).write(to: URL(fileURLWithPath: $0 + "/kraftfelt.sqlite")) },
            .notADatabase,
            "not a Kraftfelt database: it is not an SQLite database (if it was one, its header is destroyed: "
                + "restore it from a backup); nothing was changed"
        ),
        (
            "another program's database",
            { try database($0 + "/kraftfelt.sqlite", "CREATE TABLE notes (x); INSERT INTO notes VALUES (1)") },
            .notADatabase, "not a Kraftfelt database: it holds other tables (notes); nothing was changed"
        ),
        (
            "tables named like Kraftfelt's without its record",
            { try database($0 + "/kraftfelt.sqlite", "CREATE TABLE session (id); CREATE TABLE event (x)") },
            .notADatabase,
            "not a Kraftfelt database: it holds tables named like Kraftfelt's (event, session) but no Kraftfelt "
                + "schema record; nothing was changed"
        ),
        (
            "another GRDB program's database",
            {
                try database(
                    $0 + "/kraftfelt.sqlite",
                    "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY); INSERT INTO grdb_migrations VALUES ('v1-users'); CREATE TABLE users (x)"
                )
            },
            .notADatabase,
            "not a Kraftfelt database: its schema record names migrations Kraftfelt does not know (v1-users); "
                + "nothing was changed"
        ),
        (
            "another application's id",
            { try database($0 + "/kraftfelt.sqlite", "PRAGMA application_id = 42; CREATE TABLE t (x)") },
            .notADatabase,
            "not a Kraftfelt database: it belongs to another application (its application_id is 42); nothing was changed"
        ),
        (
            "an old store with another program's table",
            { dir in
                try store(dir, upTo: 2)
                try database(dir + "/kraftfelt.sqlite", "CREATE TABLE notes (x)")
            },
            .notADatabase,
            "not a Kraftfelt database: it holds tables Kraftfelt does not make (notes); nothing was changed"
        ),
        (
            "a store from a newer Kraftfelt",
            { dir in
                try store(dir)
                try database(dir + "/kraftfelt.sqlite", "INSERT INTO grdb_migrations VALUES ('v9-from-the-future')")
            },
            .newerVersion,
            "the database was written by a newer version of Kraftfelt (schema version 7; this version knows 1 to 6)"
        ),
        (
            "a store cut in half",
            { dir in
                try store(dir)
                let path = dir + "/kraftfelt.sqlite"
                try truncate(path, to: (try Data(contentsOf: URL(fileURLWithPath: path)).count / 4096 / 2) * 4096)
            },
            .damaged, "the database is damaged (database disk image is malformed); restore it from a backup"
        ),
        (
            "a store cut inside its header",
            { dir in
                try store(dir)
                try truncate(dir + "/kraftfelt.sqlite", to: 50)
            },
            .damaged,
            "the database is damaged (it ends after 50 bytes, inside its 100-byte header); restore it from a backup"
        ),
        (
            "a store whose first bytes are overwritten",
            { dir in
                try store(dir)
                try overwrite(dir + "/kraftfelt.sqlite", at: 0, with: Array(repeating: 0x2A, count: 16))
            },
            .damaged, "the database is damaged (its first bytes are overwritten); restore it from a backup"
        ),
        (
            "a store with a garbled header",
            { dir in
                try store(dir)
                try overwrite(
                    dir + "/kraftfelt.sqlite", at: 16, with: [0x03, 0x00, 0x07, 0x07, 0x00, 0x01, 0x02, 0x03])
            },
            .damaged, "the database is damaged (its header is garbled); restore it from a backup"
        ),
        (
            "a store with a broken page",
            { dir in
                try store(dir)
                try overwrite(dir + "/kraftfelt.sqlite", at: 100, with: Array(repeating: 0xFF, count: 400))
            },
            .damaged, "the database is damaged (database disk image is malformed); restore it from a backup"
        ),
        (
            "an empty file beside a WAL with data",
            { dir in
                try Data().write(to: URL(fileURLWithPath: dir + "/kraftfelt.sqlite"))
                try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: dir + "/kraftfelt.sqlite-wal"))
            },
            .damaged,
            "the database is damaged (the file is empty, but its -wal file holds data); restore it from a backup"
        ),
        (
            "a directory",
            {
                try FileManager.default.createDirectory(
                    atPath: $0 + "/kraftfelt.sqlite", withIntermediateDirectories: true)
            },
            .notADatabase, "not a Kraftfelt database: it is a directory; nothing was changed"
        ),
    ]
}

/// Opening a store never changes a file that is not a healthy Kraftfelt store of this or
/// an older version, and read-only opens change nothing at all.
struct StoreOpeningTests {
    static var accesses: [StoreAccess] { [.readOnly, .readWrite] }

    @Test(arguments: BadFile.cases.indices, accesses)
    func aFileThatIsNotAHealthyStoreIsRefusedUntouched(_ index: Int, _ access: StoreAccess) throws {
        let (name, make, code, message) = BadFile.cases[index]
        let directory = temporaryDirectory()
        try make(directory)
        let before = try checksums(directory)
        let error = try #require(throws: StoreError.self, "\(name)") {
            try SQLiteStore(directory: directory, access: access)
        }
        #expect(error.code == code, "\(name): \(error)")
        #expect(error.message == "\(directory)/kraftfelt.sqlite: \(message)", "\(name)")
        #expect(try checksums(directory) == before, "\(name): the files changed")
    }

    @Test func aReadOnlyOpenReadsAndChangesNothing() throws {
        let directory = temporaryDirectory()
        try BadFile.store(directory)
        let before = try checksums(directory)
        let store = try SQLiteStore(directory: directory, access: .readOnly)
        #expect(try store.sessions().map(\.id) == ["s"])
        #expect(try store.events(of: "s").count == 200)
        let refused = try #require(throws: StoreError.self) {
            try store.createSession(SessionRecord(id: "t", exercise: "x", definition: sampleDefinition))
        }
        #expect(refused.code == .readOnly)
        #expect(
            refused.message
                == "\(directory)/kraftfelt.sqlite: the database is open for reading only; nothing was written")
        #expect(try checksums(directory) == before)
        #expect(try SQLiteStore(directory: directory).sessions().map(\.id) == ["s"])
    }

    @Test func aReadOnlyOpenOfNothingCreatesNothing() throws {
        let directory = temporaryDirectory() + "/not-yet"
        let error = try #require(throws: StoreError.self) { try SQLiteStore(directory: directory, access: .readOnly) }
        #expect(error.code == .noData && error.message == "\(directory)/kraftfelt.sqlite: nothing is stored here yet")
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    /// An older store: read-only refuses it untouched; read-write upgrades it and marks it.
    @Test func anOlderStoreIsUpgradedOnlyByAWriter() throws {
        let directory = temporaryDirectory()
        try BadFile.store(directory, upTo: 2)
        let before = try checksums(directory)
        let error = try #require(throws: StoreError.self) { try SQLiteStore(directory: directory, access: .readOnly) }
        #expect(error.code == .olderVersion)
        #expect(
            error.message
                == "\(directory)/kraftfelt.sqlite: the database has schema version 2 of Kraftfelt and this version reads 6: "
                + "it must be upgraded first")
        #expect(try checksums(directory) == before)
        let upgraded = try SQLiteStore(directory: directory)
        #expect(upgraded.schemaChange == .upgraded(from: 2))
        let marked = try upgraded.read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") }
        #expect(marked == SQLiteSchema.applicationID)
        #expect(try SQLiteStore(directory: directory, access: .readOnly).schemaChange == .none)
        #expect(try SQLiteStore(directory: directory).schemaChange == .none)
    }

    /// An SQLite file with nothing in it (a store whose creation was cut short) is empty:
    /// a writer makes a store of it.
    @Test func anEmptyDatabaseBecomesAStore() throws {
        let directory = temporaryDirectory()
        try BadFile.database(directory + "/kraftfelt.sqlite", "PRAGMA user_version = 0")
        #expect(throws: StoreError.self) { try SQLiteStore(directory: directory, access: .readOnly) }
        #expect(try SQLiteStore(directory: directory).schemaChange == .created)
    }
}

/// The same promises for PostgreSQL: a schema with tables named like Kraftfelt's but not
/// its own, a newer or older schema, and read-only opens.
@Suite(.enabled(if: postgresURL != nil, "needs KRAFTFELT_TEST_POSTGRES (scripts/start-postgres.sh)"))
struct PostgresOpeningTests {
    /// A new schema name, and a store (on another schema) to run SQL with.
    func fresh() throws -> (url: String, schema: String, admin: PostgresStore) {
        let url = try #require(postgresURL)
        let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        return (url, schema, try PostgresStore(url: url, schema: schema + "_admin"))
    }

    func tables(_ admin: PostgresStore, _ schema: String) throws -> [String] {
        try admin.with { db in
            try admin.run("SELECT tablename::text FROM pg_tables WHERE schemaname = \(schema) ORDER BY 1", on: db)
                .collect().map { try $0.decode(String.self) }
        }
    }

    /// Runs statements separated by "; ".
    func execute(_ admin: PostgresStore, _ sql: String) throws {
        for statement in sql.components(separatedBy: "; ") {
            _ = try admin.with { db in try admin.run(PostgresQuery(unsafeSQL: statement), on: db) }
        }
    }

    @Test func tablesNamedLikeKraftfeltsAreRefusedUntouched() throws {
        let (url, schema, admin) = try fresh()
        try execute(
            admin,
            "CREATE SCHEMA \(schema); CREATE TABLE \(schema).session (who TEXT); INSERT INTO \(schema).session VALUES ('them')"
        )
        for access in [StoreAccess.readOnly, .readWrite] {
            let error = try #require(throws: StoreError.self) {
                try PostgresStore(url: url, schema: schema, access: access)
            }
            #expect(error.code == .notADatabase)
            #expect(
                error.message
                    == "\(admin.url) (schema \(schema)): not a Kraftfelt database: it holds tables named like Kraftfelt's "
                    + "(session) but no kraftfelt_schema; nothing was changed")
        }
        #expect(try tables(admin, schema) == ["session"])
    }

    @Test func otherTablesInTheSchemaAreLeftAlone() throws {
        let (url, schema, admin) = try fresh()
        try execute(admin, "CREATE SCHEMA \(schema); CREATE TABLE \(schema).notes (x TEXT)")
        let store = try PostgresStore(url: url, schema: schema)
        #expect(store.schemaChange == .created)
        #expect(try tables(admin, schema).contains("notes") && tables(admin, schema).contains("session_lease"))
    }

    @Test func aKraftfeltSchemaTableOfAnotherShapeIsRefused() throws {
        let (url, schema, admin) = try fresh()
        try execute(admin, "CREATE SCHEMA \(schema); CREATE TABLE \(schema).kraftfelt_schema (name TEXT)")
        let error = try #require(throws: StoreError.self) { try PostgresStore(url: url, schema: schema) }
        #expect(
            error.message
                == "\(admin.url) (schema \(schema)): not a Kraftfelt database: its kraftfelt_schema is not Kraftfelt's; "
                + "nothing was changed")
        #expect(try tables(admin, schema) == ["kraftfelt_schema"])
    }

    @Test func aReadOnlyOpenCreatesNothingAndRefusesWrites() throws {
        let (url, schema, admin) = try fresh()
        let error = try #require(throws: StoreError.self) {
            try PostgresStore(url: url, schema: schema, access: .readOnly)
        }
        #expect(error.code == .noData)
        let exists = try admin.with { db in
            try admin.run("SELECT 1 FROM pg_namespace WHERE nspname = \(schema)", on: db).collect().count
        }
        #expect(exists == 0)
        let writer = try PostgresStore(url: url, schema: schema)
        try writer.createSession(SessionRecord(id: "s", exercise: "x", definition: sampleDefinition))
        let reader = try PostgresStore(url: url, schema: schema, access: .readOnly)
        #expect(try reader.sessions().map(\.id) == ["s"])
        let refused = try #require(throws: StoreError.self) { try reader.setState("s", "finished") }
        #expect(refused.code == .readOnly)
        #expect(try writer.session("s").state == "running")
    }

    @Test func anOlderSchemaIsUpgradedOnlyByAWriter() throws {
        let (url, schema, admin) = try fresh()
        let store = try PostgresStore(url: url, schema: schema)
        try store.createSession(SessionRecord(id: "s", exercise: "x", definition: sampleDefinition))
        try execute(
            admin,
            VersionFive.postgres(in: schema)
                + "DROP TABLE \(schema).session_lease, \(schema).server_value; "
                + "ALTER TABLE \(schema).session DROP COLUMN pack; "
                + "DELETE FROM \(schema).kraftfelt_schema WHERE version >= 3")
        let error = try #require(throws: StoreError.self) {
            try PostgresStore(url: url, schema: schema, access: .readOnly)
        }
        #expect(error.code == .olderVersion)
        #expect(
            error.message
                == "\(admin.url) (schema \(schema)): the database has schema version 2 of Kraftfelt and this version "
                + "reads 6: it must be upgraded first")
        #expect(!(try tables(admin, schema)).contains("session_lease"))
        #expect(try PostgresStore(url: url, schema: schema).schemaChange == .upgraded(from: 2))
        #expect(try PostgresStore(url: url, schema: schema, access: .readOnly).session("s").exercise == "x")
    }
}

/// Session ids follow one syntax in every store; lookups of anything else find nothing.
struct SessionIDTests {
    static let refused: [String] = [
        "", "-x", ".hidden", "a b", "tab\there", "\u{1B}[31mred", "bell\u{7}", "line\nbreak", "a/b", "../up", "æble",
        String(repeating: "a", count: 65), String(repeating: "x", count: 5000),
    ]

    @Test(arguments: StoreKind.available)
    func idsOutsideTheSyntaxAreRefusedAndNothingIsStored(_ kind: StoreKind) throws {
        let store = try kind.make().store
        for id in Self.refused {
            let error = try #require(throws: StoreError.self) {
                try store.createSession(SessionRecord(id: id, exercise: "x", definition: sampleDefinition))
            }
            #expect(error.code == .invalidID)
            #expect(
                error.message
                    == "\(SessionID.shown(id)) is not a session id: an id has 1 to 64 letters (A-Z, a-z), digits, "
                    + "'.', '_' or '-', not starting with '.' or '-'")
        }
        #expect(try store.sessions().isEmpty)
        for id in ["a", "ws-0612", "A.b_c-1", String(repeating: "z", count: 64)] {
            try store.createSession(SessionRecord(id: id, exercise: "x", definition: sampleDefinition))
        }
        #expect(try store.sessions().count == 4)
    }

    @Test func longIdsAreClippedInMessages() {
        #expect(
            SessionID.shown(String(repeating: "x", count: 5000))
                == "\"\(String(repeating: "x", count: 64))…\" (5000 bytes)")
        #expect(
            SessionID.shown(String(repeating: "æ", count: 40)) == "\"\(String(repeating: "æ", count: 32))…\" (80 bytes)"
        )
        let missing = try? SQLiteStore(directory: temporaryDirectory()).session(String(repeating: "y", count: 100))
        #expect(missing == nil)
    }

    static let statuses: [(String, SessionStatus, Bool)] = [
        ("open", .open, false), ("running", .running, true), ("finished", .finished, false),
        ("failed: x.lua:3: boom", .failed("x.lua:3: boom"), false),
        ("failed: storage is not available: disk full", .halted("storage is not available: disk full"), true),
        ("anonymised", .anonymised, false), ("paused", .other("paused"), false),
    ]

    @Test(arguments: statuses)
    func onlyRunningAndHaltedSessionsAreResumable(_ state: String, _ status: SessionStatus, _ resumable: Bool) {
        #expect(SessionStatus(state) == status)
        #expect(SessionStatus(state).isResumable == resumable)
    }
}
