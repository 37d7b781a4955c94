import Foundation
import GRDB
import KraftfeltEngine
import KraftfeltLua
import Testing

@testable import KraftfeltStore

/// Retention, and databases from the first schema: every store must pass these.
extension ScriptStorageStoreTests {
    @Test(arguments: StoreKind.available)
    func retentionAnonymisesOldSessionsOnceAndKeepsTheirMeasures(_ kind: StoreKind) throws {
        let (store, reopen) = try kind.make()
        try store.createSession(record("old", startedAt: Self.in2020))
        try store.createSession(record("new"))
        try store.createSession(record("old-other", in: "other", startedAt: Self.in2020))
        var rehearsal = record("old-rehearsal", startedAt: Self.in2020)
        rehearsal.rehearsal = RehearsalSettings(participants: 1, areas: 1)
        try store.createSession(rehearsal)
        for (session, person) in [
            ("old", "p1"), ("old", "p2"), ("new", "p3"), ("old-other", "p4"), ("old-rehearsal", "bot1"),
        ] {
            try store.append(
                .join(Participant(id: person, name: "Name \(person)", area: "Sundhed", strengths: ["trivsel"]), at: 1),
                to: session, seq: nil)
        }
        try store.append(.answer(ask: 3, participant: "p1", value: .text("privat"), at: 5), to: "old", seq: nil)
        try store.append(.answer(ask: 4, participant: "p2", value: .number(4), at: 6), to: "old", seq: nil)
        try store.append(.saidDone(participant: "p2", at: 6), to: "old", seq: nil)
        let measures = [Measure(exercise: "x", name: "energi", value: 3.5, at: 7)]
        let runs = [ExerciseRun(id: "x", version: "2", scriptHash: sampleDefinition.main.contentHash)]
        try store.saveOutcome("old", exercises: runs, measures: measures)
        try store.setRetentionDays(365, for: "default")
        let untouched = try ["new", "old-other", "old-rehearsal"].map { try store.events(of: $0) }

        #expect(try store.applyRetention(now: Date()).anonymised == ["old"])
        let old = try store.events(of: "old")
        let joined = old.compactMap { event -> Participant? in if case .join(let p, _) = event { p } else { nil } }
        #expect(joined.map(\.name) == ["Anonym", "Anonym"])
        #expect(joined.map(\.area) == ["Sundhed", "Sundhed"])
        #expect(joined.allSatisfy { $0.id.hasPrefix("anonymous-") && $0.strengths.isEmpty })
        #expect(old[2] == .answer(ask: 3, participant: joined[0].id, value: .text("(anonymised)"), at: 5))
        #expect(old[3] == .answer(ask: 4, participant: joined[1].id, value: .number(4), at: 6))
        #expect(old[4] == .saidDone(participant: joined[1].id, at: 6), "a press of 'we're done' is anonymised too")
        #expect(try store.measures(of: "old") == measures)
        #expect(try store.exercises(of: "old") == runs)
        #expect(try store.session("old").state == "anonymised")
        // Rehearsals hold bots, not people: retention leaves them alone.
        #expect(try ["new", "old-other", "old-rehearsal"].map { try store.events(of: $0) } == untouched)
        #expect(
            try ["new", "old-other", "old-rehearsal"].map { try store.session($0).state } == [
                "running", "running", "running",
            ])

        #expect(try store.applyRetention(now: Date()).anonymised == [])
        #expect(try reopen().applyRetention(now: Date()).anonymised == [])
        #expect(try store.sessionsToAnonymise(in: "default", startedBefore: Date()) == ["new"])
        #expect(try store.sessionsToAnonymise(in: "other", startedBefore: Date()) == ["old-other"])
        #expect(try store.events(of: "old") == old)
    }

    @Test(arguments: StoreKind.available)
    func retentionDeletesParticipantStorageNotWrittenForItsDays(_ kind: StoreKind) throws {
        let store = try kind.make().store
        try store.createSession(record("s"))
        try store.createSession(record("t", in: "other"))
        try store.append(.join(Participant(id: "p1", name: "Anne", area: "Sundhed"), at: 0), to: "s", seq: nil)
        try store.append(try stored(.participant("p1"), "colour", "blue"), to: "s", seq: nil)
        try store.append(try stored(.organisation, "motto", "keep"), to: "s", seq: nil)
        try store.append(try stored(.exercise("x"), "best", 1), to: "s", seq: nil)
        try store.append(try stored(.session, "mine", 2), to: "s", seq: nil)
        try store.append(try stored(.participant("p1"), "colour", "grün"), to: "t", seq: nil)
        try store.setRetentionDays(365, for: "default")

        #expect(try store.applyRetention(now: Date()).anonymised == [])
        #expect(try store.storage(ofParticipant: "p1").map(\.organisation) == ["default", "other"])
        #expect(try value(store, "s", .participant("p1"), "colour") == "blue")

        #expect(try store.applyRetention(now: Date().addingTimeInterval(400 * 86_400)).anonymised == ["s"])
        #expect(
            try store.storage(ofParticipant: "p1") == [
                StoredEntry(organisation: "other", key: "colour", value: #"{"s":"grün"}"#)
            ])
        #expect(try value(store, "s", .participant("p1"), "colour") == nil)
        #expect(try value(store, "s", .organisation, "motto") == "keep")
        #expect(try value(store, "s", .exercise("x"), "best") == .integer(1))
        // The session's own scope may hold names or free text: it goes with the session's
        // personal data, and so do the values in its log's storage events.
        #expect(try value(store, "s", .session, "mine") == nil)
        for event in try store.events(of: "s") {
            if case .stored(let write, _) = event { #expect(write.value == nil, "\(write.key)") }
        }
    }

    /// A session whose log does not decode is reported and skipped; the others are done,
    /// and the commands that could repair it still work.
    @Test(arguments: StoreKind.available)
    func retentionSkipsASessionItCannotReadAndGoesOn(_ kind: StoreKind) throws {
        let store = try kind.make().store
        try store.createSession(record("broken", startedAt: Self.in2020))
        try store.createSession(record("old", startedAt: Self.in2020))
        for id in ["broken", "old"] {
            try store.append(.join(Participant(id: "p1", name: "Anne", area: "Sundhed"), at: 0), to: id, seq: nil)
        }
        try corrupt(store, session: "broken")
        try store.setRetentionDays(30, for: "default")
        let outcome = try store.applyRetention(now: Date())
        #expect(outcome.anonymised == ["old"])
        #expect(
            outcome.failures == [
                "retention could not anonymise session broken: session broken: event 1 does not decode"
            ])
        try store.deleteSession("broken")
        #expect(try store.applyRetention(now: Date()) == RetentionOutcome())
    }

    /// Overwrites a session's first event with text that is not an event.
    func corrupt(_ store: any SessionStore, session: String) throws {
        if let sqlite = store as? SQLiteStore {
            try sqlite.writer.write { db in
                try db.execute(
                    sql: "UPDATE event SET body = 'not json' WHERE sessionId = ? AND seq = 1", arguments: [session])
            }
        } else if let postgres = store as? PostgresStore {
            _ = try postgres.with { db in
                try postgres.run("UPDATE event SET body = 'not json' WHERE session_id = \(session) AND seq = 1", on: db)
            }
        }
    }

    @Test(arguments: StoreKind.available)
    func organisationsListTheirRetentionAndItCanBeTurnedOff(_ kind: StoreKind) throws {
        let (store, reopen) = try kind.make()
        #expect(try store.organisations() == [])
        try store.createSession(record("old", startedAt: Self.in2020))
        try store.createSession(record("t", in: "other"))
        try store.createSession(record("u", in: "other"))
        #expect(
            try store.organisations() == [
                Organisation(id: "default", retentionDays: nil), Organisation(id: "other", retentionDays: nil),
            ])
        try store.setRetentionDays(365, for: "default")
        try store.setRetentionDays(30, for: "third")
        #expect(
            try reopen().organisations() == [
                Organisation(id: "default", retentionDays: 365), Organisation(id: "other", retentionDays: nil),
                Organisation(id: "third", retentionDays: 30),
            ])
        try store.setRetentionDays(nil, for: "default")
        #expect(
            try store.organisations() == [
                Organisation(id: "default", retentionDays: nil), Organisation(id: "other", retentionDays: nil),
                Organisation(id: "third", retentionDays: 30),
            ])
        #expect(try store.applyRetention(now: Date().addingTimeInterval(10_000 * 86_400)).anonymised == [])
        #expect(try store.session("old").state == "running")
        // A session created in an organisation with retention does not reset it.
        try store.createSession(record("v", in: "third"))
        #expect(try store.organisations().last == Organisation(id: "third", retentionDays: 30))
    }
}

/// Databases written before organisations and script storage.
extension ScriptStorageStoreTests {
    static let versionOneEvents: [SessionEvent] = [
        sampleDefinition.startEvent(exercise: "x"),
        .join(Participant(id: "p1", name: "Åse", area: "Sundhed", strengths: ["trivsel"]), at: 10),
        .answer(ask: 3, participant: "p1", value: .text("svar"), at: 20),
        .trainer(.advance, at: 30),
    ]

    /// An event as the first version wrote it: sorted-key JSON.
    static func body(_ event: SessionEvent) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(event), as: UTF8.self)
    }

    static var libraryJSON: String { "[\"\(sampleDefinition.library[0].contentHash)\"]" }

    /// A data directory with a database of the first schema only, holding session `s`.
    static func versionOneSQLite() throws -> String {
        let directory = temporaryDirectory()
        let queue = try DatabaseQueue(path: directory + "/kraftfelt.sqlite")
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-sessions-events-scripts") { db in
            try db.create(table: "script") { t in
                t.primaryKey("hash", .text)
                t.column("fileName", .text).notNull()
                t.column("text", .text).notNull()
            }
            try db.create(table: "session") { t in
                t.primaryKey("id", .text)
                t.column("exercise", .text).notNull()
                t.column("mainScript", .text).notNull().references("script")
                t.column("library", .text).notNull()
                t.column("seed", .text).notNull()
                t.column("startedAt", .integer).notNull()
                t.column("language", .text).notNull()
                t.column("state", .text).notNull()
                t.column("rehearsal", .text)
                t.column("createdAt", .datetime).notNull()
            }
            try db.create(table: "event") { t in
                t.column("sessionId", .text).notNull().references("session", onDelete: .cascade)
                t.column("seq", .integer).notNull()
                t.column("at", .integer).notNull()
                t.column("body", .text).notNull()
                t.primaryKey(["sessionId", "seq"])
            }
        }
        try migrator.migrate(queue)
        try queue.write { db in
            for script in [sampleDefinition.main] + sampleDefinition.library {
                try db.execute(
                    sql: "INSERT INTO script (hash, fileName, text) VALUES (?, ?, ?)",
                    arguments: [script.contentHash, script.fileName, script.text])
            }
            try db.execute(
                sql: """
                    INSERT INTO session (id, exercise, mainScript, library, seed, startedAt, language, state, rehearsal,
                      createdAt)
                    VALUES ('s', 'x', ?, ?, '42', ?, 'en', 'finished', NULL, ?)
                    """,
                arguments: [sampleDefinition.main.contentHash, libraryJSON, sampleDefinition.startedAt, Date()])
            for (i, event) in versionOneEvents.enumerated() {
                try db.execute(
                    sql: "INSERT INTO event (sessionId, seq, at, body) VALUES ('s', ?, ?, ?)",
                    arguments: [i + 1, event.at, try body(event)])
            }
        }
        try queue.close()
        return directory
    }

    /// A PostgreSQL schema of the first version only, holding session `s`, opened again.
    static func versionOnePostgres() throws -> any SessionStore {
        let url = try #require(postgresURL)
        let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let store = try PostgresStore(url: url, schema: schema)
        try store.transaction { db in
            try store.run(
                """
                DROP TABLE follow_up_measure, follow_up, server_value, session_lease, exercise, measure, storage,
                  event, session, script, organisation
                """,
                on: db)
            try store.run("DELETE FROM kraftfelt_schema", on: db)
            try store.run(
                "CREATE TABLE script (hash TEXT PRIMARY KEY, file_name TEXT NOT NULL, text TEXT NOT NULL)", on: db)
            try store.run(
                """
                CREATE TABLE session (id TEXT PRIMARY KEY, exercise TEXT NOT NULL,
                  main_script TEXT NOT NULL REFERENCES script, library TEXT NOT NULL, seed TEXT NOT NULL,
                  started_at BIGINT NOT NULL, language TEXT NOT NULL, state TEXT NOT NULL, rehearsal TEXT,
                  created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp())
                """, on: db)
            try store.run(
                """
                CREATE TABLE event (session_id TEXT NOT NULL REFERENCES session ON DELETE CASCADE,
                  seq INTEGER NOT NULL, at BIGINT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (session_id, seq))
                """, on: db)
            try store.run("INSERT INTO kraftfelt_schema VALUES (1)", on: db)
            for script in [sampleDefinition.main] + sampleDefinition.library {
                try store.run(
                    "INSERT INTO script VALUES (\(script.contentHash), \(script.fileName), \(script.text))", on: db)
            }
            try store.run(
                """
                INSERT INTO session (id, exercise, main_script, library, seed, started_at, language, state)
                VALUES ('s', 'x', \(sampleDefinition.main.contentHash), \(libraryJSON), '42',
                  \(sampleDefinition.startedAt), 'en', 'finished')
                """, on: db)
            for (i, event) in versionOneEvents.enumerated() {
                try store.run(
                    "INSERT INTO event VALUES ('s', \(i + 1), \(event.at), \(try body(event)))", on: db)
            }
        }
        return try PostgresStore(url: url, schema: schema)
    }

    static func versionOneStore(_ kind: StoreKind) throws -> any SessionStore {
        switch kind {
        case .sqlite: try SQLiteStore(directory: versionOneSQLite())
        case .postgres: try versionOnePostgres()
        }
    }

    @Test func aVersionOneSQLiteDatabaseMigratesWithItsSessionAndEventsIntact() throws {
        let directory = try Self.versionOneSQLite()
        #expect(try snapshot(directory) == "v1-sessions-events-scripts")
        let store = try SQLiteStore(directory: directory)
        #expect(
            try snapshot(directory)
                == "v1-sessions-events-scripts,v2-organisations-storage-measures,v3-session-leases,v4-server-values,"
                + "v5-session-pack,v6-measure-subjects-follow-ups")
        let record = try store.session("s")
        #expect(record.organisation == "default")
        #expect(record.pack == nil && record.definition.pack == nil)
        #expect(record.exercise == "x" && record.state == "finished" && record.seed == 42)
        #expect(record.definition.main == sampleDefinition.main)
        #expect(record.definition.library == sampleDefinition.library)
        #expect(record.startedAt == sampleDefinition.startedAt && record.language == "en")
        #expect(try store.events(of: "s") == Self.versionOneEvents)
        #expect(try store.sessions().map(\.id) == ["s"])
        #expect(try store.exercises(of: "s") == [] && store.measures(of: "s") == [])
        // Opening it again migrates nothing more and changes nothing.
        #expect(try SQLiteStore(directory: directory).events(of: "s") == Self.versionOneEvents)
    }

    /// A session from before organisations belongs to "default": its scripts can store
    /// values, and the organisation is listed (so that retention can be set and applied).
    @Test(arguments: StoreKind.available)
    func aSessionFromBeforeOrganisationsCanStoreAndItsOrganisationIsListed(_ kind: StoreKind) throws {
        let store = try Self.versionOneStore(kind)
        #expect(try store.session("s").organisation == "default")
        #expect(try store.events(of: "s") == Self.versionOneEvents)
        #expect(try store.organisations() == [Organisation(id: "default", retentionDays: nil)])
        #expect(throws: Never.self) {
            try store.append(try stored(.organisation, "k", 1), to: "s", seq: nil)
        }
        #expect(try value(store, "s", .organisation, "k") == .integer(1))
        #expect(try store.events(of: "s").count == Self.versionOneEvents.count + 1)
    }
}
