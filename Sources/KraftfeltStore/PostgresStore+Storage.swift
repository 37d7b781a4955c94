import Foundation
import KraftfeltEngine
import PostgresNIO

extension PostgresStore {
    /// Writes (or forgets) a script's value inside the transaction that logs the write.
    /// The organisation's row is locked first, so two hosts cannot both fill a scope.
    func apply(_ write: StorageWrite, session: String, _ db: PostgresConnection) throws {
        guard
            let organisation = try run(
                """
                SELECT o.id FROM organisation o JOIN session s ON s.organisation = o.id
                WHERE s.id = \(session) FOR UPDATE OF o
                """, on: db
            ).collect().first.map({ try $0.decode(String.self) })
        else { throw StoreError(.unknownSession, "no session with id \(session)") }
        let owner = write.scope == .session ? session : write.scope.owner
        let kind = write.scope.kind
        let old = try run(
            """
            SELECT value FROM storage WHERE organisation = \(organisation) AND kind = \(kind) AND owner = \(owner)
              AND key = \(write.key)
            """, on: db
        ).collect().first.map { try StoredForm.value(try $0.decode(String.self)) }
        let written = try StoredForm.written(write, after: old) {
            try run(
                """
                SELECT COALESCE(SUM(size), 0)::BIGINT FROM storage
                WHERE organisation = \(organisation) AND kind = \(kind) AND owner = \(owner) AND key <> \(write.key)
                """, on: db
            ).collect().first.map { try $0.decode(Int.self) } ?? 0
        }
        guard let (value, size) = written else {
            try run(
                """
                DELETE FROM storage WHERE organisation = \(organisation) AND kind = \(kind) AND owner = \(owner)
                  AND key = \(write.key)
                """, on: db)
            return
        }
        try run(
            """
            INSERT INTO storage (organisation, kind, owner, key, value, size)
            VALUES (\(organisation), \(kind), \(owner), \(write.key), \(value.json), \(size))
            ON CONFLICT (organisation, kind, owner, key)
            DO UPDATE SET value = excluded.value, size = excluded.size, updated_at = clock_timestamp()
            """, on: db)
    }

    public func storedValue(session: String, _ scope: StorageScope, key: String) throws(StoreError) -> StoredValue? {
        let owner = scope == .session ? session : scope.owner
        let json = try with { db in
            try run(
                """
                SELECT value FROM storage JOIN session ON session.id = \(session)
                WHERE storage.organisation = session.organisation AND kind = \(scope.kind) AND owner = \(owner)
                  AND key = \(key)
                """, on: db
            ).collect().first.map { try $0.decode(String.self) }
        }
        return try json.map(StoredForm.value)
    }

    public func storage(ofParticipant id: String) throws(StoreError) -> [StoredEntry] {
        try with { db in
            try run(
                """
                SELECT organisation, key, value FROM storage WHERE kind = 'participant' AND owner = \(id)
                ORDER BY organisation, key
                """, on: db
            ).collect().map {
                let (organisation, key, value) = try $0.decode((String, String, String).self)
                return StoredEntry(organisation: organisation, key: key, value: value)
            }
        }
    }

    @discardableResult
    public func forgetStorage(ofParticipant id: String) throws(StoreError) -> Int {
        try with { db in
            try run("DELETE FROM storage WHERE kind = 'participant' AND owner = \(id) RETURNING 1", on: db).collect()
                .count
        }
    }

    public func forgetStorage(ofSession id: String) throws(StoreError) {
        try with { db in try run("DELETE FROM storage WHERE kind = 'session' AND owner = \(id)", on: db) }
    }

    @discardableResult
    public func forgetParticipantStorage(in organisation: String, unchangedSince date: Date) throws(StoreError) -> Int {
        try with { db in
            try run(
                """
                DELETE FROM storage WHERE kind = 'participant' AND organisation = \(organisation)
                  AND updated_at < \(date) RETURNING 1
                """, on: db
            ).collect().count
        }
    }

    public func saveOutcome(
        _ id: String, state: String?, exercises: [ExerciseRun], measures: [Measure], lease: SessionLease?
    ) throws(StoreError) {
        try MeasureForm.check(measures, in: "session \(SessionID.named(id))")
        try transaction { db in
            try checkWriter(id, lease, db)
            if let state { try run("UPDATE session SET state = \(state) WHERE id = \(id)", on: db) }
            try run("DELETE FROM exercise WHERE session_id = \(id)", on: db)
            try run("DELETE FROM measure WHERE session_id = \(id)", on: db)
            for (i, run) in exercises.enumerated() {
                try self.run(
                    """
                    INSERT INTO exercise (session_id, position, id, version, script_hash, indicators)
                    VALUES (\(id), \(i + 1), \(run.id), \(run.version), \(run.scriptHash),
                      \(MeasureForm.indicators(run.indicators)))
                    """, on: db)
            }
            for (i, measure) in measures.enumerated() {
                try run(
                    """
                    INSERT INTO measure (session_id, position, \(unescaped: Self.measureColumns))
                    VALUES (\(id), \(i + 1), \(values: measure))
                    """, on: db)
            }
        }
    }

    /// The columns of a measure's row after its key.
    static let measureColumns =
        "exercise, name, value, at, subject_kind, subject_id, area, text, other, other_area, tags"

    /// A measure from a row whose last columns are ``measureColumns``.
    static func measure(_ row: PostgresRow, place: @autoclosure () -> String) throws -> Measure {
        let cells = Array(row)
        let from = cells.count - 11
        func cell<T: PostgresDecodable>(_ i: Int, _ type: T.Type) throws -> T { try cells[from + i].decode(T.self) }
        return try MeasureForm.measure(
            exercise: try cell(0, String.self), name: try cell(1, String.self), value: try cell(2, Double.self),
            at: try cell(3, Int64.self), subjectKind: try cell(4, String.self), subjectId: try cell(5, String.self),
            area: try cell(6, String?.self), text: try cell(7, String?.self), other: try cell(8, String?.self),
            otherArea: try cell(9, String?.self), tags: try cell(10, String.self), place: place())
    }

    public func exercises(of session: String) throws(StoreError) -> [ExerciseRun] {
        try with { db in
            try run(
                """
                SELECT id, version, script_hash, indicators FROM exercise WHERE session_id = \(session)
                ORDER BY position
                """, on: db
            ).collect().map {
                let (id, version, hash, indicators) = try $0.decode((String, String, String, String).self)
                return ExerciseRun(
                    id: id, version: version, scriptHash: hash,
                    indicators: try MeasureForm.indicators(
                        indicators, "session \(SessionID.named(session)): an exercise's indicators"))
            }
        }
    }

    public func measures(of session: String) throws(StoreError) -> [Measure] {
        try with { db in
            try run(
                """
                SELECT position, \(unescaped: Self.measureColumns) FROM measure WHERE session_id = \(session)
                ORDER BY position
                """, on: db
            ).collect().map { row in
                try Self.measure(
                    row, place: "session \(SessionID.named(session)): measure \((try? row.decode(Int.self)) ?? 0)")
            }
        }
    }

    public func organisations() throws(StoreError) -> [Organisation] {
        try with { db in
            try run("SELECT id, retention_days FROM organisation ORDER BY id", on: db).collect().map {
                let (id, days) = try $0.decode((String, Int?).self)
                return Organisation(id: id, retentionDays: days)
            }
        }
    }

    public func serverValue(_ name: String) throws(StoreError) -> String? {
        try with { db in
            try run("SELECT value FROM server_value WHERE name = \(name)", on: db).collect().first?.decode(
                String.self)
        }
    }

    public func setServerValue(_ name: String, _ value: String?) throws(StoreError) {
        try with { db in
            if let value {
                try run(
                    """
                    INSERT INTO server_value (name, value) VALUES (\(name), \(value))
                    ON CONFLICT (name) DO UPDATE SET value = excluded.value
                    """, on: db)
            } else {
                try run("DELETE FROM server_value WHERE name = \(name)", on: db)
            }
        }
    }

    public func serverValue(_ name: String, orInsert value: String) throws(StoreError) -> String {
        try with { db in
            try run(
                "INSERT INTO server_value (name, value) VALUES (\(name), \(value)) ON CONFLICT (name) DO NOTHING",
                on: db)
            return try run("SELECT value FROM server_value WHERE name = \(name)", on: db).collect().first?.decode(
                String.self) ?? value
        }
    }

    public func setRetentionDays(_ days: Int?, for organisation: String) throws(StoreError) {
        try with { db in
            try run(
                """
                INSERT INTO organisation (id, retention_days) VALUES (\(organisation), \(days))
                ON CONFLICT (id) DO UPDATE SET retention_days = excluded.retention_days
                """, on: db)
        }
    }

    public func markAnonymised(_ id: String, at date: Date) throws(StoreError) {
        try with { db in try run("UPDATE session SET anonymised_at = \(date) WHERE id = \(id)", on: db) }
    }

    public func sessionsToAnonymise(in organisation: String, startedBefore date: Date) throws(StoreError)
        -> [String]
    {
        try with { db in
            try run(
                """
                SELECT id FROM session WHERE organisation = \(organisation) AND anonymised_at IS NULL AND rehearsal IS NULL
                  AND started_at < \(Int64(date.timeIntervalSince1970)) ORDER BY started_at, id
                """, on: db
            ).collect().map { try $0.decode(String.self) }
        }
    }
}

extension PostgresQuery.StringInterpolation {
    /// A measure's values, in the order of ``PostgresStore/measureColumns``.
    mutating func appendInterpolation(values measure: Measure) {
        appendInterpolation(measure.exercise)
        appendInterpolation(unescaped: ", ")
        appendInterpolation(measure.name)
        appendInterpolation(unescaped: ", ")
        appendInterpolation(measure.value)
        appendInterpolation(unescaped: ", ")
        appendInterpolation(measure.at)
        appendInterpolation(unescaped: ", ")
        appendInterpolation(measure.subject.kind)
        appendInterpolation(unescaped: ", ")
        appendInterpolation(measure.subject.id)
        for text in [measure.area, measure.text, measure.other, measure.otherArea] {
            appendInterpolation(unescaped: ", ")
            appendInterpolation(text)
        }
        appendInterpolation(unescaped: ", ")
        appendInterpolation(MeasureForm.tags(measure.tags))
    }
}
