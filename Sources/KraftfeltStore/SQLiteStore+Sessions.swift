import Foundation
import GRDB
import KraftfeltEngine

extension SQLiteStore {
    /// Stores a new session and the scripts it runs (scripts are kept by content hash).
    public func createSession(_ record: SessionRecord) throws(StoreError) {
        try SessionID.validate(record.id)
        let libraryJSON = StoredForm.library(record)
        let rehearsal = StoredForm.rehearsal(record)
        let pack = StoredForm.pack(record)
        try write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM session WHERE id = ?", arguments: [record.id]) == true {
                throw StoreError(.duplicateSession, "a session with id \(record.id) exists already")
            }
            for script in [record.main] + record.library {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO script (hash, fileName, text) VALUES (?, ?, ?)",
                    arguments: [Self.hash(script), script.fileName, script.text])
            }
            try db.execute(
                sql: "INSERT OR IGNORE INTO organisation (id) VALUES (?)", arguments: [record.organisation])
            try db.execute(
                sql: """
                    INSERT INTO session (id, exercise, mainScript, library, seed, startedAt, language, state, rehearsal,
                      createdAt, organisation, pack)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.id, record.exercise, Self.hash(record.main), libraryJSON, String(record.seed),
                    record.startedAt, record.language, record.state, rehearsal, Date(), record.organisation, pack,
                ])
        }
    }

    /// Every stored session, oldest first.
    public func sessions() throws(StoreError) -> [SessionRecord] {
        let ids = try read { db in try String.fetchAll(db, sql: "SELECT id FROM session ORDER BY createdAt, id") }
        var records: [SessionRecord] = []
        for id in ids { records.append(try session(id)) }
        return records
    }

    /// One stored session.
    public func session(_ id: String) throws(StoreError) -> SessionRecord {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM session WHERE id = ?", arguments: [id]) else {
                throw StoreError(.unknownSession, "no session with id \(SessionID.named(id))")
            }
            func script(_ hash: String) throws -> ExerciseSource {
                guard let script = try Row.fetchOne(db, sql: "SELECT * FROM script WHERE hash = ?", arguments: [hash])
                else { throw StoreError(.corrupt, "session \(id): script \(hash) is missing") }
                return ExerciseSource(fileName: script["fileName"], text: script["text"])
            }
            let libraryHashes = StoredForm.libraryHashes(row["library"])
            guard let seed = UInt64(row["seed"] as String) else {
                throw StoreError(.corrupt, "session \(id): bad seed")
            }
            let definition = SessionDefinition(
                main: try script(row["mainScript"]), library: try libraryHashes.map(script), seed: seed,
                startedAt: row["startedAt"], language: row["language"],
                pack: try StoredForm.pack(row["pack"] as String?, session: id))
            let rehearsal = StoredForm.rehearsal(row["rehearsal"] as String?)
            return SessionRecord(
                id: id, exercise: row["exercise"], definition: definition, state: row["state"], rehearsal: rehearsal,
                organisation: row["organisation"])
        }
    }

    /// Saves a session's state (`running`, `finished`, `failed: …`) for listings.
    public func setState(_ id: String, _ state: String, lease: SessionLease?) throws(StoreError) {
        try write { db in
            try Self.checkWriter(id, lease, db)
            try db.execute(sql: "UPDATE session SET state = ? WHERE id = ?", arguments: [state, id])
        }
    }

    /// A script's content hash (FNV-1a, 64 bits, over name and text).
    static func hash(_ source: ExerciseSource) -> String { source.contentHash }
}
