import Foundation
import KraftfeltEngine
import PostgresNIO

extension PostgresStore {
    public func createSession(_ record: SessionRecord) throws(StoreError) {
        try SessionID.validate(record.id)
        let libraryJSON = StoredForm.library(record)
        let rehearsal = StoredForm.rehearsal(record)
        let pack = StoredForm.pack(record)
        try transaction { db in
            let taken = try run("SELECT 1 FROM session WHERE id = \(record.id)", on: db).collect()
            if !taken.isEmpty { throw StoreError(.duplicateSession, "a session with id \(record.id) exists already") }
            for script in [record.main] + record.library {
                try run(
                    """
                    INSERT INTO script (hash, file_name, text) VALUES (\(SQLiteStore.hash(script)), \(script.fileName), \(script.text))
                    ON CONFLICT (hash) DO NOTHING
                    """, on: db)
            }
            try run("INSERT INTO organisation (id) VALUES (\(record.organisation)) ON CONFLICT DO NOTHING", on: db)
            try run(
                """
                INSERT INTO session (id, exercise, main_script, library, seed, started_at, language, state, rehearsal,
                  organisation, pack)
                VALUES (\(record.id), \(record.exercise), \(SQLiteStore.hash(record.main)), \(libraryJSON),
                  \(String(record.seed)), \(record.startedAt), \(record.language), \(record.state), \(rehearsal),
                  \(record.organisation), \(pack))
                """, on: db)
        }
    }

    public func sessions() throws(StoreError) -> [SessionRecord] {
        let ids = try with { db in
            try run("SELECT id FROM session ORDER BY created_at, id", on: db).collect().map {
                try $0.decode(String.self)
            }
        }
        var records: [SessionRecord] = []
        for id in ids { records.append(try session(id)) }
        return records
    }

    public func session(_ id: String) throws(StoreError) -> SessionRecord {
        try with { db in
            let rows = try run(
                """
                SELECT exercise, main_script, library, seed, started_at, language, state, rehearsal, organisation, pack
                FROM session WHERE id = \(id)
                """, on: db
            ).collect()
            guard let row = rows.first else {
                throw StoreError(.unknownSession, "no session with id \(SessionID.named(id))")
            }
            let (exercise, main, library, seedText, startedAt, language, state, rehearsal, organisation, pack) =
                try row.decode((String, String, String, String, Int64, String, String, String?, String, String?).self)
            func script(_ hash: String) throws -> ExerciseSource {
                let found = try run("SELECT file_name, text FROM script WHERE hash = \(hash)", on: db).collect()
                guard let script = found.first else {
                    throw StoreError(.corrupt, "session \(id): script \(hash) is missing")
                }
                let (fileName, text) = try script.decode((String, String).self)
                return ExerciseSource(fileName: fileName, text: text)
            }
            let hashes = StoredForm.libraryHashes(library)
            guard let seed = UInt64(seedText) else { throw StoreError(.corrupt, "session \(id): bad seed") }
            let definition = SessionDefinition(
                main: try script(main), library: try hashes.map(script), seed: seed, startedAt: startedAt,
                language: language, pack: try StoredForm.pack(pack, session: id))
            let settings = StoredForm.rehearsal(rehearsal)
            return SessionRecord(
                id: id, exercise: exercise, definition: definition, state: state, rehearsal: settings,
                organisation: organisation)
        }
    }

    public func setState(_ id: String, _ state: String, lease: SessionLease?) throws(StoreError) {
        try transaction { db in
            try checkWriter(id, lease, db)
            try run("UPDATE session SET state = \(state) WHERE id = \(id)", on: db)
        }
    }

    /// Appends one event; returns its sequence number once it is committed. Appends that
    /// arrive together (from several sessions) share one transaction.
    @discardableResult
    public func append(_ event: SessionEvent, to session: String, seq: Int?, lease: SessionLease?) throws(StoreError)
        -> Int
    {
        let append = PendingAppend(
            session: session, seq: seq, event: event, text: try StoredForm.encode(event), lease: lease)
        return try appends.submit(append) { batch in commit(batch) }
    }

    /// Appends several events of one session in one transaction, numbered from `seq` on.
    @discardableResult
    public func append(
        contentsOf events: [SessionEvent], to session: String, from seq: Int, lease: SessionLease?
    ) throws(StoreError) -> Int {
        guard !events.isEmpty else { return seq - 1 }
        let append = try PendingAppend(session: session, seq: seq, events: events, lease: lease)
        return try appends.submit(append) { batch in commit(batch) }
    }

    /// Commits a batch of appends: one alone as a single statement (or, with a storage
    /// write, one transaction); several in one transaction. If any of them fails, that
    /// transaction is rolled back and each is committed on its own, so that one refused
    /// append does not refuse the others (savepoints would cost two more round trips
    /// per append on every batch).
    private func commit(_ batch: [PendingAppend]) -> [Result<Int, StoreError>] {
        if batch.count > 1, let results = try? transaction({ db in try batch.map { try insert($0, db) } }) {
            return results.map { .success($0) }
        }
        return batch.map { append in
            Result { () throws(StoreError) in
                append.needsTransaction
                    ? try transaction { db in try insert(append, db) } : try with { db in try insert(append, db) }
            }
        }
    }

    /// One append: a storage write first, then the event, in one statement that inserts
    /// nothing unless the writer's lease holds (see ``SessionStore``); returns its number.
    private func insert(_ append: PendingAppend, _ db: PostgresConnection) throws -> Int {
        var last = 0
        for (offset, entry) in append.entries.enumerated() {
            if case .stored(let write, _) = entry.event, write.refused == nil {
                try apply(write, session: append.session, db)
            }
            let one = PendingAppend(
                session: append.session, seq: append.seq.map { $0 + offset }, event: entry.event, text: entry.text,
                lease: append.lease)
            last = try insertEvent(one, db, retried: false)
        }
        return last
    }

    private func insertEvent(_ append: PendingAppend, _ db: PostgresConnection, retried: Bool) throws -> Int {
        let rows: [PostgresRow]
        do {
            rows = try run(PostgresAppend.query(append), on: db).collect()
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw StoreError(
                .sessionBusy,
                "session \(append.session): its log has an event \(append.seq.map(String.init) ?? "") already; "
                    + "another process is writing to it")
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23503" {
            throw StoreError(.unknownSession, "no session with id \(SessionID.named(append.session))")
        }
        if let row = rows.first { return try row.decode(Int.self) }
        // Refused: the lease is not the writer's, or (without one) someone else's holds.
        let (current, now) = try leaseRow(append.session, db, lock: false)
        if let lease = append.lease { throw lease.lost(to: current, at: now) }
        if let current, !current.isStale(at: now) { throw current.busy(at: now) }
        guard let current, !retried else {
            throw StoreError(.sessionBusy, "session \(append.session): another process is writing to it")
        }
        // Held by a process on this host that is gone: its lease is void.
        try run(
            "DELETE FROM session_lease WHERE session_id = \(append.session) AND token = \(current.token)", on: db)
        return try insertEvent(append, db, retried: true)
    }

    public func replaceEvents(
        of session: String, from seq: Int, with events: [SessionEvent], lease: SessionLease?
    ) throws(StoreError) {
        var bodies: [String] = []
        for event in events { bodies.append(try StoredForm.encode(event)) }
        try transaction { db in
            try checkWriter(session, lease, db)
            try run("DELETE FROM event WHERE session_id = \(session) AND seq >= \(seq)", on: db)
            for (offset, (event, body)) in zip(events, bodies).enumerated() {
                try run(
                    "INSERT INTO event (session_id, seq, at, body) VALUES (\(session), \(seq + offset), \(event.at), \(body))",
                    on: db)
            }
        }
    }

    public func events(of session: String) throws(StoreError) -> [SessionEvent] {
        let bodies = try with { db in
            try run("SELECT body FROM event WHERE session_id = \(session) ORDER BY seq", on: db).collect()
                .map { try $0.decode(String.self) }
        }
        return try StoredForm.decode(bodies, session: session)
    }

    public func deleteSession(_ id: String) throws(StoreError) {
        try transaction { db in
            let known = try run("SELECT 1 FROM session WHERE id = \(id)", on: db).collect()
            guard !known.isEmpty else { throw StoreError(.unknownSession, "no session with id \(SessionID.named(id))") }
            try checkWriter(id, nil, db)
            let deleted = try run("DELETE FROM session WHERE id = \(id) RETURNING id", on: db).collect()
            guard !deleted.isEmpty else { throw StoreError(.unknownSession, "no session with id \(id)") }
            try run("DELETE FROM storage WHERE kind = 'session' AND owner = \(id)", on: db)
            try run(
                """
                DELETE FROM script WHERE hash NOT IN (SELECT main_script FROM session)
                  AND NOT EXISTS (SELECT 1 FROM session WHERE library LIKE '%"' || script.hash || '"%')
                """, on: db)
        }
    }

    public func rewriteEvents(of session: String, _ events: [SessionEvent]) throws(StoreError) {
        var bodies: [String] = []
        for event in events { bodies.append(try StoredForm.encode(event)) }
        try transaction { db in
            let count =
                try run("SELECT COUNT(*) FROM event WHERE session_id = \(session)", on: db).collect()
                .first.map { try $0.decode(Int.self) } ?? 0
            guard count == bodies.count else {
                throw StoreError(.corrupt, "session \(session): the rewrite has another length")
            }
            try checkWriter(session, nil, db)
            for (i, body) in bodies.enumerated() {
                try run("UPDATE event SET body = \(body) WHERE session_id = \(session) AND seq = \(i + 1)", on: db)
            }
        }
    }
}
