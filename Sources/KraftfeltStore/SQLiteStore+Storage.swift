import Foundation
import GRDB
import KraftfeltEngine

extension SQLiteStore {
    /// Writes (or forgets) a script's value inside the transaction that logs the write.
    static func apply(_ write: StorageWrite, session: String, _ db: Database) throws {
        guard
            let organisation = try String.fetchOne(
                db, sql: "SELECT organisation FROM session WHERE id = ?", arguments: [session])
        else { throw StoreError(.unknownSession, "no session with id \(session)") }
        let owner = write.scope == .session ? session : write.scope.owner
        let key: [any DatabaseValueConvertible] = [organisation, write.scope.kind, owner, write.key]
        let where_ = "organisation = ? AND kind = ? AND owner = ? AND key = ?"
        let old = try String.fetchOne(db, sql: "SELECT value FROM storage WHERE \(where_)", arguments: .init(key))
            .map(StoredForm.value)
        let written = try StoredForm.written(write, after: old) {
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COALESCE(SUM(size), 0) FROM storage
                    WHERE organisation = ? AND kind = ? AND owner = ? AND key <> ?
                    """, arguments: StatementArguments(key)) ?? 0
        }
        guard let (value, size) = written else {
            try db.execute(sql: "DELETE FROM storage WHERE \(where_)", arguments: StatementArguments(key))
            return
        }
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO storage (organisation, kind, owner, key, value, size, updatedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: StatementArguments(key + [value.json, size, Date()]))
    }

    public func storedValue(session: String, _ scope: StorageScope, key: String) throws(StoreError) -> StoredValue? {
        let json = try read { db in
            try String.fetchOne(
                db,
                sql: """
                    SELECT value FROM storage JOIN session ON session.id = ?
                    WHERE storage.organisation = session.organisation AND kind = ? AND owner = ? AND key = ?
                    """, arguments: [session, scope.kind, scope == .session ? session : scope.owner, key])
        }
        return try json.map(StoredForm.value)
    }

    public func storage(ofParticipant id: String) throws(StoreError) -> [StoredEntry] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT organisation, key, value FROM storage WHERE kind = 'participant' AND owner = ?
                    ORDER BY organisation, key
                    """, arguments: [id]
            ).map { StoredEntry(organisation: $0["organisation"], key: $0["key"], value: $0["value"]) }
        }
    }

    @discardableResult
    public func forgetStorage(ofParticipant id: String) throws(StoreError) -> Int {
        try write { db in
            try db.execute(sql: "DELETE FROM storage WHERE kind = 'participant' AND owner = ?", arguments: [id])
            return db.changesCount
        }
    }

    public func forgetStorage(ofSession id: String) throws(StoreError) {
        try write { db in
            try db.execute(sql: "DELETE FROM storage WHERE kind = 'session' AND owner = ?", arguments: [id])
        }
    }

    @discardableResult
    public func forgetParticipantStorage(in organisation: String, unchangedSince date: Date) throws(StoreError) -> Int {
        try write { db in
            try db.execute(
                sql: "DELETE FROM storage WHERE kind = 'participant' AND organisation = ? AND updatedAt < ?",
                arguments: [organisation, date])
            return db.changesCount
        }
    }

    public func saveOutcome(
        _ id: String, state: String?, exercises: [ExerciseRun], measures: [Measure], lease: SessionLease?
    ) throws(StoreError) {
        try MeasureForm.check(measures, in: "session \(SessionID.named(id))")
        try write { db in
            try Self.checkWriter(id, lease, db)
            if let state { try db.execute(sql: "UPDATE session SET state = ? WHERE id = ?", arguments: [state, id]) }
            try db.execute(sql: "DELETE FROM exercise WHERE sessionId = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM measure WHERE sessionId = ?", arguments: [id])
            for (i, run) in exercises.enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO exercise (sessionId, position, id, version, scriptHash, indicators)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [id, i + 1, run.id, run.version, run.scriptHash, MeasureForm.indicators(run.indicators)])
            }
            for (i, measure) in measures.enumerated() {
                try Self.insert(measure, into: "measure", key: [id, i + 1], db)
            }
        }
    }

    /// The columns of a measure's row after its key.
    static let measureColumns = "exercise, name, value, at, subjectKind, subjectId, area, text, other, otherArea, tags"

    /// Inserts one measure's row into `table` (`measure`, `follow_up_measure`), after the
    /// key columns' values.
    static func insert(_ measure: Measure, into table: String, key: [any DatabaseValueConvertible], _ db: Database)
        throws
    {
        let keyColumns = table == "measure" ? "sessionId, position" : "sessionId, participant, position"
        var values: [(any DatabaseValueConvertible)?] = key
        values += [
            measure.exercise, measure.name, measure.value, measure.at, measure.subject.kind, measure.subject.id,
            measure.area, measure.text, measure.other, measure.otherArea, MeasureForm.tags(measure.tags),
        ]
        try db.execute(
            sql:
                "INSERT INTO \(table) (\(keyColumns), \(measureColumns)) VALUES (\(databaseQuestionMarks(count: values.count)))",
            arguments: StatementArguments(values))
    }

    /// A measure from a row with ``measureColumns``.
    static func measure(_ row: Row, place: @autoclosure () -> String) throws(StoreError) -> Measure {
        try MeasureForm.measure(
            exercise: row["exercise"], name: row["name"], value: row["value"], at: row["at"],
            subjectKind: row["subjectKind"], subjectId: row["subjectId"], area: row["area"], text: row["text"],
            other: row["other"], otherArea: row["otherArea"], tags: row["tags"], place: place())
    }

    public func exercises(of session: String) throws(StoreError) -> [ExerciseRun] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT id, version, scriptHash, indicators FROM exercise WHERE sessionId = ? ORDER BY position",
                arguments: [session]
            ).map { row throws(StoreError) in
                ExerciseRun(
                    id: row["id"], version: row["version"], scriptHash: row["scriptHash"],
                    indicators: try MeasureForm.indicators(
                        row["indicators"], "session \(SessionID.named(session)): an exercise's indicators"))
            }
        }
    }

    public func measures(of session: String) throws(StoreError) -> [Measure] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT position, \(Self.measureColumns) FROM measure WHERE sessionId = ? ORDER BY position",
                arguments: [session]
            ).map { row throws(StoreError) in
                try Self.measure(row, place: "session \(SessionID.named(session)): measure \(row["position"] as Int)")
            }
        }
    }

    public func organisations() throws(StoreError) -> [Organisation] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, retentionDays FROM organisation ORDER BY id").map {
                Organisation(id: $0["id"], retentionDays: $0["retentionDays"])
            }
        }
    }

    public func serverValue(_ name: String) throws(StoreError) -> String? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT value FROM server_value WHERE name = ?", arguments: [name])
        }
    }

    public func setServerValue(_ name: String, _ value: String?) throws(StoreError) {
        try write { db in
            if let value {
                try db.execute(
                    sql: """
                        INSERT INTO server_value (name, value) VALUES (?, ?)
                        ON CONFLICT (name) DO UPDATE SET value = excluded.value
                        """, arguments: [name, value])
            } else {
                try db.execute(sql: "DELETE FROM server_value WHERE name = ?", arguments: [name])
            }
        }
    }

    public func serverValue(_ name: String, orInsert value: String) throws(StoreError) -> String {
        try write { db in
            try db.execute(
                sql: "INSERT INTO server_value (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                arguments: [name, value])
            return try String.fetchOne(db, sql: "SELECT value FROM server_value WHERE name = ?", arguments: [name])
                ?? value
        }
    }

    public func setRetentionDays(_ days: Int?, for organisation: String) throws(StoreError) {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO organisation (id, retentionDays) VALUES (?, ?)
                    ON CONFLICT (id) DO UPDATE SET retentionDays = excluded.retentionDays
                    """, arguments: [organisation, days])
        }
    }

    public func markAnonymised(_ id: String, at date: Date) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE session SET anonymisedAt = ? WHERE id = ?", arguments: [date, id])
        }
    }

    public func sessionsToAnonymise(in organisation: String, startedBefore date: Date) throws(StoreError)
        -> [String]
    {
        try read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT id FROM session WHERE organisation = ? AND anonymisedAt IS NULL AND rehearsal IS NULL
                      AND startedAt < ?
                    ORDER BY startedAt, id
                    """, arguments: [organisation, Int64(date.timeIntervalSince1970)])
        }
    }
}
