import Foundation
import GRDB
import KraftfeltEngine
import Synchronization
import Testing

@testable import KraftfeltStore

func temporaryDirectory() -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("kraftfelt-store-\(UUID())").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

let sampleDefinition = SessionDefinition(
    main: ExerciseSource(fileName: "x.lua", text: "return kf.exercise { id = 'x' }"),
    library: [ExerciseSource(fileName: "y.lua", text: "return 1")], seed: 42, startedAt: 1_700_000_000, language: "en")

/// What a data directory holds: the migrations a database records, or a non-database's bytes.
func snapshot(_ directory: String) throws -> String {
    let path = directory + "/kraftfelt.sqlite"
    if let queue = try? DatabaseQueue(path: path),
        let identifiers = try? queue.read({ try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") })
    {
        return identifiers.sorted().joined(separator: ",")
    }
    return try Data(contentsOf: URL(fileURLWithPath: path)).base64EncodedString()
}

/// The PostgreSQL server the suite uses: `KRAFTFELT_TEST_POSTGRES`, which `scripts/test.sh`
/// sets after starting one (`scripts/start-postgres.sh`).
let postgresURL = ProcessInfo.processInfo.environment["KRAFTFELT_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }

/// The stores the shared suite runs against: SQLite always, PostgreSQL when a server is there.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    static var available: [StoreKind] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// A fresh, empty store, and a way to open the same data again.
    func make() throws -> (store: any SessionStore, reopen: () throws -> any SessionStore) {
        switch self {
        case .sqlite:
            let directory = temporaryDirectory()
            return (try SQLiteStore(directory: directory), { try SQLiteStore(directory: directory) })
        case .postgres:
            let url = try #require(postgresURL)
            let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            return (try PostgresStore(url: url, schema: schema), { try PostgresStore(url: url, schema: schema) })
        }
    }
}

/// The shared store suite: every store implementation must pass it.
struct SessionStoreSuite {
    @Test(arguments: StoreKind.available)
    func sessionsAndEventsRoundTrip(_ kind: StoreKind) throws {
        let (store, reopen) = try kind.make()
        try store.createSession(
            SessionRecord(
                id: "s1", exercise: "x", definition: sampleDefinition,
                rehearsal: RehearsalSettings(participants: 24, areas: 4, parameters: ["rounds": "3"])))
        let events: [SessionEvent] = [
            sampleDefinition.startEvent(exercise: "x", parameters: ["rounds": "3"]),
            .join(Participant(id: "p1", name: "Åse Ærø", area: "Sundhed", strengths: ["trivsel"]), at: 10),
            .answer(ask: 3, participant: "p1", value: .text("hvad med \"citater\"\n og æøå?"), at: 20),
            .answer(ask: 4, participant: "p1", value: .number(4.5), at: 30),
            .answer(ask: 5, participant: "p1", value: .list(["a", "b"]), at: 40),
            .answer(ask: 6, participant: "p1", value: .list(["Mere tid; færre møder", " æøå \"x\" "]), at: 45),
            .saidDone(participant: "p1", at: 48),
            .trainer(.extend(timer: 2, seconds: 60), at: 50),
            .timerEnded(timer: 2, at: 60),
            .leave(participant: "p1", at: 70),
        ]
        for (i, event) in events.enumerated() { #expect(try store.append(event, to: "s1", seq: nil) == i + 1) }

        let reopened = try reopen()
        #expect(try reopened.events(of: "s1") == events)
        let record = try reopened.session("s1")
        #expect(record.definition.main == sampleDefinition.main)
        #expect(record.definition.library == sampleDefinition.library)
        #expect(record.seed == 42 && record.startedAt == 1_700_000_000 && record.language == "en")
        #expect(record.rehearsal == RehearsalSettings(participants: 24, areas: 4, parameters: ["rounds": "3"]))
        try reopened.setState("s1", "finished")
        #expect(try reopened.sessions().map(\.state) == ["finished"])
    }

    @Test(arguments: StoreKind.available)
    func aSessionLogContinuesWhereTheStoredEventsEnd(_ kind: StoreKind) throws {
        let store = try kind.make().store
        try store.createSession(SessionRecord(id: "s", exercise: "x", definition: sampleDefinition))
        let first = try StoredSessionLog(store: store, session: "s")
        try first.append(.trainer(.advance, at: 1))
        let second = try StoredSessionLog(store: store, session: "s")
        #expect(second.events == [.trainer(.advance, at: 1)])
        #expect(try second.append(.trainer(.advance, at: 2)) == 2)
    }

    @Test(arguments: StoreKind.available)
    func unknownAndDuplicateSessionsAreRefusedAndNothingChanges(_ kind: StoreKind) throws {
        let store = try kind.make().store
        try store.createSession(SessionRecord(id: "s", exercise: "x", definition: sampleDefinition))
        try store.append(.trainer(.advance, at: 1), to: "s", seq: nil)
        let unknown = try #require(throws: StoreError.self) { try store.session("nope") }
        #expect(unknown.code == .unknownSession && unknown.message == "no session with id nope")
        let duplicate = try #require(throws: StoreError.self) {
            try store.createSession(SessionRecord(id: "s", exercise: "other", definition: sampleDefinition))
        }
        #expect(duplicate.code == .duplicateSession && duplicate.message == "a session with id s exists already")
        #expect(try store.session("s").exercise == "x")
        #expect(try store.events(of: "s") == [.trainer(.advance, at: 1)])
    }

    /// Many sessions written at once from several threads: every event is kept, in order.
    @Test(arguments: StoreKind.available)
    func concurrentSessionsLoseAndReorderNothing(_ kind: StoreKind) async throws {
        let store = try kind.make().store
        let sessions = 8
        let perSession = 60
        for s in 0..<sessions {
            try store.createSession(SessionRecord(id: "s\(s)", exercise: "x", definition: sampleDefinition))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for s in 0..<sessions {
                group.addTask {
                    for i in 0..<perSession {
                        try store.append(.trainer(.advance, at: Int64(i)), to: "s\(s)", seq: nil)
                    }
                }
            }
            try await group.waitForAll()
        }
        for s in 0..<sessions {
            #expect(try store.events(of: "s\(s)") == (0..<perSession).map { .trainer(.advance, at: Int64($0)) })
        }
    }
}

/// What only the SQLite store has: a file in a data directory.
struct SQLiteStoreTests {
    static let badOpenings: [(String, @Sendable (String) throws -> Void, StoreError.Code, String)] = [
        (
            "a file that is not a database",
            { dir in try Data("this is not sqlite".utf8).write(to: URL(fileURLWithPath: dir + "/kraftfelt.sqlite")) },
            .notADatabase, "not a Kraftfelt database"
        ),
        (
            "a database from a newer Kraftfelt",
            { dir in
                _ = try SQLiteStore(directory: dir)
                let queue = try DatabaseQueue(path: dir + "/kraftfelt.sqlite")
                try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v9-from-the-future')") }
            },
            .newerVersion, "the database was written by a newer version of Kraftfelt"
        ),
    ]

    @Test(arguments: badOpenings)
    func badDatabasesGetAClearErrorAndAreLeftAsTheyWere(
        _ name: String, _ prepare: @Sendable (String) throws -> Void, _ code: StoreError.Code, _ message: String
    ) throws {
        let directory = temporaryDirectory()
        try prepare(directory)
        let before = try snapshot(directory)
        let error = try #require(throws: StoreError.self) { try SQLiteStore(directory: directory) }
        #expect(error.code == code, "\(name)")
        #expect(error.message.contains(message), "\(error.message)")
        #expect(error.message.hasPrefix(directory), "the message names the file")
        #expect(try snapshot(directory) == before)
    }

    @Test func aDataDirectoryThatCannotBeCreatedIsAClearError() throws {
        let file = temporaryDirectory() + "/file"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let error = try #require(throws: StoreError.self) { try SQLiteStore(directory: file + "/data") }
        #expect(error.code == .io)
        #expect(error.message.hasPrefix("\(file)/data: cannot create the data directory"))
    }

}

struct DataRightsTests {
    func storeWithTwoSessions() throws -> SQLiteStore {
        let store = try SQLiteStore(directory: temporaryDirectory())
        for id in ["s1", "s2"] {
            try store.createSession(SessionRecord(id: id, exercise: "x", definition: sampleDefinition))
            try store.append(.join(Participant(id: "p1", name: "Anne", area: "Sundhed"), at: 0), to: id)
            try store.append(.join(Participant(id: "p2", name: "Bo", area: "Skole"), at: 0), to: id)
            try store.append(.answer(ask: 3, participant: "p1", value: .text("mit svar i \(id)"), at: 5), to: id)
            try store.append(.answer(ask: 4, participant: "p2", value: .text("p1"), at: 6), to: id)
        }
        try store.append(.leave(participant: "p1", at: 9), to: "s2")
        return store
    }

    @Test func exportHoldsEverythingAboutOnePersonAndNothingElse() throws {
        let export = try storeWithTwoSessions().export(participant: "p1")
        #expect(export.sessions.map(\.session) == ["s1", "s2"])
        #expect(
            export.sessions.map { $0.answers.map(\.value) } == [[.text("mit svar i s1")], [.text("mit svar i s2")]])
        #expect(export.sessions.map(\.joined.first?.name) == ["Anne", "Anne"])
        #expect(export.sessions.map(\.left) == [[], [9]])
        #expect(export.sessions.map(\.namedIn) == [1, 1])
        let encoded = String(decoding: try JSONEncoder().encode(export), as: UTF8.self)
        #expect(!encoded.contains("Bo") && !encoded.contains("Skole"))
        #expect(try storeWithTwoSessions().export(participant: "nobody").sessions.isEmpty)
    }

    @Test func deletingASessionRemovesItsEventsAndLeavesTheOthers() throws {
        let store = try storeWithTwoSessions()
        try store.deleteSession("s1")
        #expect(try store.sessions().map(\.id) == ["s2"])
        #expect(try store.events(of: "s1").isEmpty)
        #expect(try store.events(of: "s2").count == 5)
        #expect(try store.session("s2").definition.main == sampleDefinition.main)
        let error = try #require(throws: StoreError.self) { try store.deleteSession("s1") }
        #expect(error.message == "no session with id s1")
        try store.deleteSession("s2")
        let scripts = try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM script") }
        #expect(scripts == 0)
    }
}

@Suite(.enabled(if: postgresURL != nil, "needs KRAFTFELT_TEST_POSTGRES (scripts/start-postgres.sh)"))
struct PostgresStoreTests {
    @Test func aServerThatIsNotThereIsAClearError() throws {
        let error = try #require(throws: StoreError.self) {
            try PostgresStore(url: "postgres://kraftfelt:kraftfelt@127.0.0.1:1/kraftfelt_test")
        }
        #expect(error.code == .io)
        #expect(error.message.hasPrefix("postgres://kraftfelt:***@127.0.0.1:1/kraftfelt_test: "))
    }

    /// Hosts that start at once on a new database create its tables once, all of them.
    @Test(.enabled(if: postgresURL != nil)) func hostsStartingAtOnceMigrateOnce() throws {
        let url = try #require(postgresURL)
        let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let failures = Mutex<[String]>([])
        onThreads(6) { _ in
            do {
                _ = try PostgresStore(url: url, schema: schema)
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
        let store = try PostgresStore(url: url, schema: schema)
        let versions = try store.with { db in
            try store.run("SELECT version FROM kraftfelt_schema ORDER BY version", on: db).collect().map {
                try $0.decode(Int.self)
            }
        }
        #expect(versions == [1, 2, 3, 4, 5, 6])
    }

    @Test func aBadURLIsAClearError() throws {
        let error = try #require(throws: StoreError.self) { try PostgresStore(url: "mysql://x@y/z") }
        #expect(error.message == "mysql://x@y/z: not a PostgreSQL URL like postgres://user:password@host:5432/database")
        let parameter = try #require(throws: StoreError.self) {
            try PostgresStore(url: "postgres://u:secret@h/d?sslmode=require")
        }
        #expect(
            parameter.message
                == "postgres://u:***@h/d?sslmode=require: the only URL parameter Kraftfelt reads is schema, got sslmode"
        )
        let schema = try #require(throws: StoreError.self) { try PostgresStore(url: "postgres://u@h/d?schema=a;b") }
        #expect(schema.message == "a;b: a schema name has letters, digits and _ only (ASCII)")
    }

    /// `?schema=` keeps a store's tables in a schema of its own.
    @Test func theURLCanNameTheSchema() throws {
        let url = try #require(postgresURL)
        let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let store = try PostgresStore(url: url + "?schema=\(schema)")
        try store.createSession(SessionRecord(id: "s", exercise: "x", definition: sampleDefinition))
        #expect(try PostgresStore(url: url, schema: schema).session("s").exercise == "x")
    }

    @Test func aDatabaseFromANewerKraftfeltIsRefusedAndLeftAlone() throws {
        let url = try #require(postgresURL)
        let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let store = try PostgresStore(url: url, schema: schema)
        try store.createSession(SessionRecord(id: "s", exercise: "x", definition: sampleDefinition))
        _ = try store.with { db in try store.run("INSERT INTO kraftfelt_schema VALUES (99)", on: db) }
        let error = try #require(throws: StoreError.self) { try PostgresStore(url: url, schema: schema) }
        #expect(error.code == .newerVersion)
        #expect(
            error.message
                == "\(store.url) (schema \(schema)): the database was written by a newer version of Kraftfelt "
                + "(schema version 99; this version knows 1 to 6)")
        #expect(try store.session("s").exercise == "x")
    }
}

extension SQLiteStoreTests {
    /// A full disk: the append that does not fit fails with a clear error, and everything
    /// committed before it is intact and readable.
    @Test func aFullDiskStopsTheAppendAndKeepsWhatWasCommitted() throws {
        let path = temporaryDirectory() + "/kraftfelt.sqlite"
        let store = try SQLiteStore(path: path, maximumPages: 40)
        try store.createSession(SessionRecord(id: "s", exercise: "x", definition: sampleDefinition))
        let log = try StoredSessionLog(store: store, session: "s")
        let answer = String(repeating: "æ", count: 500)
        var caught: StoreError?
        var committed = 0
        for i in 0..<10_000 {
            do {
                try log.append(.answer(ask: 1, participant: "p\(i)", value: .text(answer), at: Int64(i)))
                committed += 1
            } catch let error as StoreError {
                caught = error
                break
            }
        }
        let error = try #require(caught)
        #expect(error.code == .io)
        #expect(error.message == "\(path): the disk is full; nothing more was written")
        #expect(committed > 0)
        let reopened = try SQLiteStore(path: path)
        let events = try reopened.events(of: "s")
        #expect(events.count == committed)
        #expect(
            events.last
                == .answer(ask: 1, participant: "p\(committed - 1)", value: .text(answer), at: Int64(committed - 1)))
    }
}

extension PostgresStoreTests {
    /// A lost connection: the call that meets it fails with a clear error (or reconnects),
    /// the next one connects again, and every acknowledged event is there.
    @Test func aLostConnectionIsReportedAndTheNextCallConnectsAgain() throws {
        let url = try #require(postgresURL)
        let schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let store = try PostgresStore(url: url, schema: schema)
        try store.createSession(SessionRecord(id: "s", exercise: "x", definition: sampleDefinition))
        var acknowledged: [SessionEvent] = [.trainer(.advance, at: 1)]
        try store.append(acknowledged[0], to: "s", seq: nil)
        let pid = try store.with { db in
            try store.run("SELECT pg_backend_pid()", on: db).collect()[0].decode(Int32.self)
        }
        let killer = try PostgresStore(url: url, schema: schema)
        _ = try killer.with { db in try killer.run("SELECT pg_terminate_backend(\(pid))", on: db) }
        Thread.sleep(forTimeInterval: 0.2)
        do {
            try store.append(.trainer(.advance, at: 2), to: "s", seq: nil)
            acknowledged.append(.trainer(.advance, at: 2))
        } catch {
            #expect(error.code == .io)
            #expect(error.message.hasPrefix("postgres://kraftfelt:***@"))
        }
        try store.append(.trainer(.advance, at: 3), to: "s", seq: nil)
        acknowledged.append(.trainer(.advance, at: 3))
        #expect(try killer.events(of: "s") == acknowledged)
    }
}

extension SessionStoreSuite {
    @Test(arguments: StoreKind.available)
    func anonymisingRemovesWhatIdentifiesOnePersonAndKeepsTheRest(_ kind: StoreKind) throws {
        let store = try kind.make().store
        try store.createSession(SessionRecord(id: "s", exercise: "x", definition: sampleDefinition))
        let events: [SessionEvent] = [
            .join(Participant(id: "anne@kommune.dk", name: "Anne", area: "Sundhed", strengths: ["trivsel"]), at: 0),
            .join(Participant(id: "p2", name: "Bo", area: "Skole"), at: 0),
            .answer(ask: 3, participant: "anne@kommune.dk", value: .text("mit private svar"), at: 5),
            .answer(ask: 4, participant: "anne@kommune.dk", value: .number(4), at: 6),
            .answer(ask: 5, participant: "p2", value: .text("anne@kommune.dk"), at: 7),
            .leave(participant: "anne@kommune.dk", at: 9),
        ]
        for event in events { try store.append(event, to: "s", seq: nil) }
        #expect(try store.anonymise(participant: "anne@kommune.dk") == 1)
        let after = try store.events(of: "s")
        let text = String(decoding: try JSONEncoder().encode(after), as: UTF8.self)
        #expect(!text.contains("anne@kommune.dk") && !text.contains("Anne") && !text.contains("mit private svar"))
        #expect(!text.contains("trivsel"))
        #expect(after.count == events.count)
        #expect(after[1] == events[1])
        guard case .join(let anonymous, _) = after[0], case .answer(_, let who, .number(4), _) = after[3],
            case .answer(_, "p2", .text(let picked), _) = after[4]
        else {
            Issue.record("unexpected events \(after)")
            return
        }
        #expect(anonymous.name == "Anonym" && anonymous.area == "Sundhed" && anonymous.strengths.isEmpty)
        #expect(who == anonymous.id && picked == anonymous.id)
        #expect(try store.session("s").state == "anonymised")
        #expect(try store.export(participant: "anne@kommune.dk").sessions.isEmpty)
        #expect(try store.anonymise(participant: "anne@kommune.dk") == 0)
    }
}
