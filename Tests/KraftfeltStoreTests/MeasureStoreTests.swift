import Foundation
import GRDB
import KraftfeltEngine
import PostgresNIO
import Testing

@testable import KraftfeltStore

/// What schema version 6 adds, taken out again: a store of version 5 for the tests of
/// migrations (its measures have no subjects, texts or tags; there are no follow-ups).
enum VersionFive {
    static let sqlite = """
        DROP TABLE follow_up_measure; DROP TABLE follow_up;
        ALTER TABLE measure DROP COLUMN subjectKind; ALTER TABLE measure DROP COLUMN subjectId;
        ALTER TABLE measure DROP COLUMN area; ALTER TABLE measure DROP COLUMN text;
        ALTER TABLE measure DROP COLUMN other; ALTER TABLE measure DROP COLUMN otherArea;
        ALTER TABLE measure DROP COLUMN tags; ALTER TABLE exercise DROP COLUMN indicators;
        DELETE FROM grdb_migrations WHERE identifier = 'v6-measure-subjects-follow-ups';
        """

    /// Statements separated by `; ` (PostgreSQL runs one per query).
    static func postgres(in schema: String) -> String {
        "DROP TABLE \(schema).follow_up_measure, \(schema).follow_up; "
            + "ALTER TABLE \(schema).measure DROP COLUMN subject_kind, DROP COLUMN subject_id, DROP COLUMN area, "
            + "DROP COLUMN text, DROP COLUMN other, DROP COLUMN other_area, DROP COLUMN tags; "
            + "ALTER TABLE \(schema).exercise DROP COLUMN indicators; "
            + "DELETE FROM \(schema).kraftfelt_schema WHERE version = 6; "
    }

    /// Takes a PostgreSQL store's schema back to version 5.
    static func downgrade(_ store: PostgresStore) throws {
        for statement in postgres(in: store.schema).components(separatedBy: "; ") where !statement.isEmpty {
            _ = try store.with { db in try store.run(PostgresQuery(unsafeSQL: statement), on: db) }
        }
    }
}

/// Runs raw SQL on a store underneath Kraftfelt's code.
func execute(_ sql: String, on store: any SessionStore) throws {
    switch store {
    case let store as SQLiteStore: try store.write { db in try db.execute(sql: sql) }
    case let store as PostgresStore:
        _ = try store.with { db in try store.run(PostgresQuery(unsafeSQL: sql), on: db) }
    default: Issue.record("another store")
    }
}

/// Measures about the session, a person, a group or a tie, with texts and tags (schema
/// version 6), in both stores.
struct MeasureStoreTests {
    static let measures = [
        Measure(exercise: "maaling", name: "cross_area_ties", value: 12, at: 1_700_000_100),
        Measure(
            exercise: "maaling", name: "experienced_effect", value: 4, at: 1_700_000_101, subject: .participant("p1"),
            area: "Sundhed og Ældre", tags: ["before", "egen"]),
        Measure(
            exercise: "spoergsmaal", name: "question", value: 1, at: 1_700_000_102, subject: .participant("p2"),
            area: "Børn & Unge", text: "Hvordan får vi \"borgerne\" med?\nÆøå — 😀 ‘x’", tags: []),
        Measure(
            exercise: "spoergsmaal", name: "cross_area_tie", value: 1, at: 1_700_000_103, subject: .participant("p1"),
            area: "Sundhed og Ældre", other: "p2", otherArea: "Børn & Unge", tags: ["after"]),
        Measure(
            exercise: "summegrupper", name: "group_goal", value: 0.25, at: 1_700_000_104, subject: .group("p1+p2+p3"),
            text: "", tags: ["follow-up", "x,y", "[\"]"]),
        Measure(exercise: "x", name: "tiny", value: -1e-300, at: 0, subject: .participant(""), tags: [""]),
    ]

    static let runs = [ExerciseRun(id: "maaling", version: "1", scriptHash: sampleDefinition.main.contentHash)]

    @Test(arguments: StoreKind.available)
    func everyFieldOfAMeasureRoundTrips(_ kind: StoreKind) throws {
        let (store, reopen) = try kind.make()
        try store.createSession(SessionRecord(id: "s", exercise: "x", definition: sampleDefinition))
        try store.saveOutcome("s", exercises: Self.runs, measures: Self.measures)
        #expect(try store.measures(of: "s") == Self.measures)
        #expect(try reopen().measures(of: "s") == Self.measures)
        #expect(try store.measures(of: "s").map(\.phase) == [nil, .before, nil, .after, .followUp, nil])
        // Saving again replaces them.
        try store.saveOutcome("s", exercises: Self.runs, measures: Array(Self.measures.prefix(2)))
        #expect(try reopen().measures(of: "s") == Array(Self.measures.prefix(2)))
    }

    /// A 1 MB text is kept whole (a script's measures are the engine's to limit).
    @Test(arguments: StoreKind.available)
    func aLongTextRoundTrips(_ kind: StoreKind) throws {
        let (store, reopen) = try kind.make()
        try store.createSession(SessionRecord(id: "s", exercise: "x", definition: sampleDefinition))
        let long = Measure(
            exercise: "x", name: "essay", value: 1, at: 1, subject: .participant("p1"),
            text: String(repeating: "æ", count: 512 * 1024))
        try store.saveOutcome("s", exercises: [], measures: [long])
        #expect(try reopen().measures(of: "s") == [long])
    }

    /// A NUL character cannot be kept exactly by either database: refused, and what was
    /// saved before stays.
    @Test(arguments: StoreKind.available)
    func aMeasureWithANulCharacterIsRefusedAndTheSavedOnesStay(_ kind: StoreKind) throws {
        let (store, _) = try kind.make()
        try store.createSession(SessionRecord(id: "s", exercise: "x", definition: sampleDefinition))
        try store.saveOutcome("s", exercises: Self.runs, measures: Self.measures)
        var bad = Self.measures
        bad[2].text = "før\u{0}efter"
        let error = try #require(throws: StoreError.self) {
            try store.saveOutcome("s", exercises: [], measures: bad)
        }
        #expect(error.code == .invalid)
        #expect(error.message == "session s: measure 3 (“question”) has a NUL character")
        #expect(try store.measures(of: "s") == Self.measures)
        #expect(try store.exercises(of: "s") == Self.runs)
    }

    /// A subject of a kind this version does not know (a newer host's, or a damaged row)
    /// is an error that names the session and the measure, not a crash.
    @Test(arguments: StoreKind.available)
    func aSubjectOfAnUnknownKindIsAClearError(_ kind: StoreKind) throws {
        let (store, _) = try kind.make()
        try store.createSession(SessionRecord(id: "s", exercise: "x", definition: sampleDefinition))
        try store.saveOutcome("s", exercises: [], measures: Self.measures)
        let column = kind == .sqlite ? "subjectKind" : "subject_kind"
        let session = kind == .sqlite ? "sessionId" : "session_id"
        try execute("UPDATE measure SET \(column) = 'team' WHERE \(session) = 's' AND position = 4", on: store)
        let error = try #require(throws: StoreError.self) { try store.measures(of: "s") }
        #expect(error.code == .corrupt)
        #expect(
            error.message == "session s: measure 4: its subject has the kind \"team\", which this version does not know"
        )
        try execute("UPDATE measure SET tags = '{\"a\": 1}' WHERE position = 4", on: store)
        try execute("UPDATE measure SET \(column) = 'group' WHERE position = 4", on: store)
        let tags = try #require(throws: StoreError.self) { try store.measures(of: "s") }
        #expect(tags.message == "session s: measure 4: its tags is not a JSON array of texts")
    }

    @Test(arguments: StoreKind.available)
    func sessionsOfAnOrganisationStartedInATimeSpanOldestFirst(_ kind: StoreKind) throws {
        let (store, _) = try kind.make()
        func record(_ id: String, _ startedAt: Int64, in organisation: String = "kommune") -> SessionRecord {
            var definition = sampleDefinition
            definition.startedAt = startedAt
            return SessionRecord(id: id, exercise: "x", definition: definition, organisation: organisation)
        }
        // Created out of order; b and b2 start at the same second.
        for session in [
            record("c", 300), record("a", 100), record("b2", 200), record("b", 200), record("d", 400),
            record("other", 200, in: "default"),
        ] {
            try store.createSession(session)
        }
        func ids(_ from: Int64?, _ to: Int64?, _ organisation: String = "kommune") throws -> [String] {
            try store.sessions(of: organisation, from: from, to: to).map(\.id)
        }
        #expect(try ids(nil, nil) == ["a", "b", "b2", "c", "d"])
        #expect(try ids(200, 300) == ["b", "b2"], "from is in, to is out")
        #expect(try ids(201, 300) == [])
        #expect(try ids(nil, 200) == ["a"])
        #expect(try ids(300, nil) == ["c", "d"])
        #expect(try ids(400, 401) == ["d"])
        #expect(try ids(300, 300) == [] && ids(300, 100) == [])
        #expect(try ids(Int64.min, Int64.max) == ["a", "b", "b2", "c", "d"])
        #expect(try ids(nil, nil, "default") == ["other"])
        #expect(try ids(nil, nil, "nobody") == [])
        #expect(try store.sessions(of: "kommune", from: 100, to: 101).first?.definition == record("a", 100).definition)
    }

    /// The indicators an exercise declares come back whole, for a report that does not run it.
    @Test(arguments: StoreKind.available)
    func anExercisesIndicatorsAreKept(_ kind: StoreKind) throws {
        let (store, reopen) = try kind.make()
        try store.createSession(SessionRecord(id: "s", exercise: "x", definition: sampleDefinition))
        let energy = Indicator.scale(
            "room_energy", da: "Energi i rummet", en: "Energy in the room", 1...7, low: ["da": "Træt"],
            high: ["da": "Frisk"])
        let runs = [
            ExerciseRun(id: "x", version: "1", scriptHash: "ab", indicators: [energy, Indicator.host["goal"]!]),
            ExerciseRun(id: "y", version: "", scriptHash: "cd"),
        ]
        try store.saveOutcome("s", exercises: runs, measures: [])
        #expect(try reopen().exercises(of: "s") == runs)
    }

    /// A store of schema version 5: its measures come back as the session's, without tags;
    /// new ones keep everything.
    @Test(arguments: StoreKind.available)
    func aVersionFiveStoreKeepsItsMeasures(_ kind: StoreKind) throws {
        let (store, reopen) = try kind.make()
        try store.createSession(SessionRecord(id: "s", exercise: "x", definition: sampleDefinition))
        let old = [
            Measure(exercise: "x", name: "energi", value: 3.5, at: 7),
            Measure(exercise: "x", name: "ties", value: 2, at: 8),
        ]
        try store.saveOutcome("s", exercises: Self.runs, measures: old)
        switch store {
        case let sqlite as SQLiteStore:
            try sqlite.write { db in try db.execute(sql: VersionFive.sqlite) }
            #expect(try snapshot((sqlite.path as NSString).deletingLastPathComponent).hasSuffix("v5-session-pack"))
        case let postgres as PostgresStore:
            try VersionFive.downgrade(postgres)
        default: Issue.record("another store")
        }
        let upgraded = try reopen()
        #expect(upgraded.schemaChange == .upgraded(from: 5))
        #expect(try upgraded.measures(of: "s") == old)
        #expect(try upgraded.measures(of: "s").allSatisfy { $0.subject == .session && $0.tags == [] })
        #expect(try upgraded.exercises(of: "s") == Self.runs)
        #expect(try upgraded.followUps(of: "s") == [])
        try upgraded.saveOutcome("s", exercises: Self.runs, measures: Self.measures)
        #expect(try reopen().measures(of: "s") == Self.measures)
        #expect(try reopen().schemaChange == SchemaChange.none)
    }
}
