import Foundation
import GRDB
import KraftfeltEngine
import Testing

@testable import KraftfeltStore

/// The pack a session's scripts came from is kept with the session (schema version 5) in
/// both stores, and comes back into its definition, so that a resumed session enforces the
/// same permissions and runs where it ran.
struct SessionPackStoreTests {
    static let pack = PackProvenance(
        id: "org.liberatingstructures.core", version: "1.0.0",
        hash: "3f2a9c01b7e4d5a6f7081928374655647382910abcdefabcdefabcdefabcdef0", trusted: false,
        permissions: [.measures, .followUp])

    static var packed: SessionDefinition {
        var definition = sampleDefinition
        definition.pack = pack
        return definition
    }

    @Test(arguments: StoreKind.available)
    func aSessionsPackRoundTripsAndOneWithoutStaysWithout(_ kind: StoreKind) throws {
        let (store, reopen) = try kind.make()
        try store.createSession(SessionRecord(id: "packed", exercise: "x", definition: Self.packed))
        try store.createSession(SessionRecord(id: "own", exercise: "x", definition: sampleDefinition))
        let reopened = try reopen()
        let record = try reopened.session("packed")
        #expect(record.pack == Self.pack)
        #expect(record.definition == Self.packed)
        #expect(try reopened.session("own").pack == nil)
        let listed = try reopened.sessions().sorted { $0.id < $1.id }  // created in the same instant
        #expect(listed.map(\.id) == ["own", "packed"] && listed.map(\.pack) == [nil, Self.pack])
        guard case .start(let start) = record.definition.startEvent(exercise: "x") else {
            Issue.record("not a start event")
            return
        }
        #expect(start.pack == Self.pack)
    }

    /// A pack that does not read is refused: taken for no pack, an untrusted pack's scripts
    /// would get every permission, in the host's own process.
    @Test(arguments: StoreKind.available)
    func aPackThatDoesNotDecodeIsRefused(_ kind: StoreKind) throws {
        let (store, _) = try kind.make()
        try store.createSession(SessionRecord(id: "packed", exercise: "x", definition: Self.packed))
        switch store {
        case let store as SQLiteStore:
            try store.write { db in try db.execute(sql: "UPDATE session SET pack = '{\"id\": 1}'") }
        case let store as PostgresStore:
            _ = try store.with { db in try store.run("UPDATE session SET pack = '{\"id\": 1}'", on: db) }
        default:
            Issue.record("another store")
        }
        for read in [{ try store.session("packed") }, { try store.sessions()[0] }] {
            let error = try #require(throws: StoreError.self) { try read() }
            #expect(error.code == .corrupt)
            #expect(error.message == "session packed: the pack its scripts came from does not decode")
        }
    }

    /// A store of schema version 4 (before packs): a reader refuses it untouched, a writer
    /// adds the column, and its sessions are not from a pack.
    @Test func aVersionFourSQLiteStoreGainsThePackColumn() throws {
        let directory = temporaryDirectory()
        try BadFile.store(directory)
        let queue = try DatabaseQueue(path: directory + "/kraftfelt.sqlite")
        try queue.write { db in
            try db.execute(
                sql: VersionFive.sqlite
                    + "ALTER TABLE session DROP COLUMN pack; DELETE FROM grdb_migrations WHERE identifier = 'v5-session-pack'"
            )
        }
        try queue.close()
        let refused = try #require(throws: StoreError.self) { try SQLiteStore(directory: directory, access: .readOnly) }
        #expect(
            refused.message
                == "\(directory)/kraftfelt.sqlite: the database has schema version 4 of Kraftfelt and this version reads 6: "
                + "it must be upgraded first")
        let store = try SQLiteStore(directory: directory)
        #expect(store.schemaChange == .upgraded(from: 4))
        #expect(try store.session("s").pack == nil)
        #expect(try store.events(of: "s").count == 200)
        let columns = try store.read { db in try db.columns(in: "session").map(\.name) }
        #expect(columns.last == "pack")
        try store.createSession(SessionRecord(id: "packed", exercise: "x", definition: Self.packed))
        #expect(try SQLiteStore(directory: directory, access: .readOnly).session("packed").pack == Self.pack)
    }
}

/// The same for PostgreSQL: a schema of version 4 gains the column when a writer opens it.
@Suite(.enabled(if: postgresURL != nil, "needs KRAFTFELT_TEST_POSTGRES (scripts/start-postgres.sh)"))
struct PostgresSessionPackTests {
    @Test func aVersionFourSchemaGainsThePackColumn() throws {
        let url = try #require(postgresURL)
        let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let store = try PostgresStore(url: url, schema: schema)
        try store.createSession(SessionRecord(id: "s", exercise: "x", definition: sampleDefinition))
        try VersionFive.downgrade(store)
        _ = try store.with { db in
            try store.run("ALTER TABLE session DROP COLUMN pack", on: db)
            try store.run("DELETE FROM kraftfelt_schema WHERE version = 5", on: db)
        }
        let refused = try #require(throws: StoreError.self) {
            try PostgresStore(url: url, schema: schema, access: .readOnly)
        }
        #expect(
            refused.message
                == "\(store.url) (schema \(schema)): the database has schema version 4 of Kraftfelt and this version "
                + "reads 6: it must be upgraded first")
        let upgraded = try PostgresStore(url: url, schema: schema)
        #expect(upgraded.schemaChange == .upgraded(from: 4))
        #expect(try upgraded.session("s").pack == nil)
        try upgraded.createSession(
            SessionRecord(id: "packed", exercise: "x", definition: SessionPackStoreTests.packed))
        #expect(
            try PostgresStore(url: url, schema: schema, access: .readOnly).session("packed").pack
                == SessionPackStoreTests.pack)
    }
}
