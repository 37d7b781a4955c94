import Foundation
import GRDB
import KraftfeltEngine

extension SQLiteStore {
    /// Appends one event; returns its sequence number once it is committed and synced.
    /// Appends that arrive together (from several sessions) share one transaction.
    /// - Parameter seq: the number it must get, when the caller knows it (a session's log
    ///   does); a clash with a stored event is an error, never an overwrite.
    /// - Parameter lease: the writer's lease on the session (see ``SessionStore``).
    @discardableResult
    public func append(_ event: SessionEvent, to session: String, seq: Int?, lease: SessionLease?) throws(StoreError)
        -> Int
    {
        let append = PendingAppend(
            session: session, seq: seq, event: event, text: try StoredForm.encode(event), lease: lease)
        return try appends.submit(append) { batch in Self.commit(batch, writer, path: path) }
    }

    /// Appends several events of one session in one transaction, numbered from `seq` on;
    /// returns the last one's number once they are committed and synced. Either all are
    /// stored or none is.
    @discardableResult
    public func append(
        contentsOf events: [SessionEvent], to session: String, from seq: Int, lease: SessionLease?
    ) throws(StoreError) -> Int {
        guard !events.isEmpty else { return seq - 1 }
        let append = try PendingAppend(session: session, seq: seq, events: events, lease: lease)
        return try appends.submit(append) { batch in Self.commit(batch, writer, path: path) }
    }

    public func replaceEvents(
        of session: String, from seq: Int, with events: [SessionEvent], lease: SessionLease?
    ) throws(StoreError) {
        var bodies: [String] = []
        for event in events { bodies.append(try StoredForm.encode(event)) }
        try write { db in
            try Self.checkWriter(session, lease, db)
            try db.execute(sql: "DELETE FROM event WHERE sessionId = ? AND seq >= ?", arguments: [session, seq])
            let statement = try db.cachedStatement(
                sql: "INSERT INTO event (sessionId, seq, at, body) VALUES (?, ?, ?, ?)")
            for (offset, (event, body)) in zip(events, bodies).enumerated() {
                try statement.execute(arguments: [session, seq + offset, event.at, body])
            }
        }
    }

    /// Commits a batch of appends in one transaction, each in its own savepoint.
    static func commit(_ batch: [PendingAppend], _ writer: any DatabaseWriter, path: String)
        -> [Result<Int, StoreError>]
    {
        var results: [Result<Int, StoreError>] = []
        do {
            try writer.write { db in
                for append in batch {
                    do {
                        var seq = 0
                        try db.inSavepoint {
                            seq = try insert(append, db)
                            return .commit
                        }
                        results.append(.success(seq))
                    } catch let error as StoreError {
                        results.append(.failure(error))
                    } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                        results.append(.failure(clash(error, append, path: path)))
                    }
                }
            }
            return results
        } catch {
            let failure = (error as? StoreError) ?? translate(error, path: path)
            return batch.map { _ in .failure(failure) }
        }
    }

    /// One append inside the batch's transaction: the writer's lease is checked, then a
    /// storage write is made, then the event.
    private static func insert(_ append: PendingAppend, _ db: Database) throws -> Int {
        try checkWriter(append.session, append.lease, db)
        var next =
            try append.seq
            ?? (Int.fetchOne(
                db, sql: "SELECT MAX(seq) FROM event WHERE sessionId = ?", arguments: [append.session]) ?? 0) + 1
        let statement = try db.cachedStatement(sql: "INSERT INTO event (sessionId, seq, at, body) VALUES (?, ?, ?, ?)")
        for entry in append.entries {
            if case .stored(let write, _) = entry.event, write.refused == nil {
                try apply(write, session: append.session, db)
            }
            try statement.execute(arguments: [append.session, next, entry.event.at, entry.text])
            next += 1
        }
        return next - 1
    }

    /// A constraint an append broke, in words: its number is taken (another process wrote
    /// to the session), or its session does not exist.
    static func clash(_ error: DatabaseError, _ append: PendingAppend, path: String) -> StoreError {
        switch error.extendedResultCode {
        case .SQLITE_CONSTRAINT_PRIMARYKEY:
            StoreError(
                .sessionBusy,
                "session \(append.session): its log has an event \(append.seq.map(String.init) ?? "") already; "
                    + "another process is writing to it")
        case .SQLITE_CONSTRAINT_FOREIGNKEY:
            StoreError(.unknownSession, "no session with id \(SessionID.named(append.session))")
        default: translate(error, path: path)
        }
    }

    /// A session's events in order.
    public func events(of session: String) throws(StoreError) -> [SessionEvent] {
        let bodies = try read { db in
            try String.fetchAll(
                db, sql: "SELECT body FROM event WHERE sessionId = ? ORDER BY seq", arguments: [session])
        }
        return try StoredForm.decode(bodies, session: session)
    }
}

/// A session's log in a store: what the engine appends to, and where its scripts'
/// storage is read.
public final class StoredSessionLog: SessionLog {
    public let store: any SessionStore
    public let session: String
    /// The lease the log writes under (see ``SessionStore``): nil for a writer without one.
    public let lease: SessionLease?
    public private(set) var events: [SessionEvent]

    /// The log of a stored session, with the events it has so far; appends carry `lease`.
    public init(store: any SessionStore, session: String, lease: SessionLease? = nil) throws(StoreError) {
        self.store = store
        self.session = session
        self.lease = lease
        self.events = try store.events(of: session)
    }

    /// - Throws: ``StorageError`` when a storage write would overfill its scope (nothing
    ///   is logged then), else the store's ``StoreError``.
    @discardableResult
    public func append(_ event: SessionEvent) throws -> Int {
        let refusal: StoreError
        do {
            return try appendOrHold(event)
        } catch {
            refusal = error
        }
        if refusal.code == .storageRefused { throw StorageError(refusal.message) }
        throw refusal
    }

    private func appendOrHold(_ event: SessionEvent) throws(StoreError) -> Int {
        if let failure { throw failure }
        let writes: Bool = if case .stored(let write, _) = event { write.refused == nil } else { false }
        if writes && replacingFrom != nil {
            // A step back cannot unwind storage: a step that would keep data again ends it.
            let failure = StoreError(.io, "a step back cannot take back a step that keeps data in storage")
            self.failure = failure
            throw failure
        }
        guard pending != nil else {
            let seq = try store.append(event, to: session, seq: events.count + 1, lease: lease)
            events.append(event)
            return seq
        }
        if case .stored(let write, _) = event, write.refused == nil {
            // A storage write is stored at once (its refusal decides what the script sees),
            // after everything held before it.
            try commitHeld(adding: event)
        } else {
            pending!.append(event)
            events.append(event)
        }
        return events.count
    }

    public func storedValue(_ scope: StorageScope, key: String) throws -> StoredValue? {
        try store.storedValue(session: session, scope, key: key)
    }

    /// Events appended since ``hold()`` that are not stored yet; nil when appends are
    /// stored one by one.
    private var pending: [SessionEvent]?
    /// Set for a log that replaces the stored events from this number on (see
    /// ``init(replacing:session:lease:keeping:)``), until its first commit.
    private var replacingFrom: Int?

    /// A log that will replace the stored events after `kept` (the events it keeps, the
    /// first of the stored ones): it holds every append, and ``commit()`` replaces the
    /// stored events from `kept.count + 1` on with them, in one transaction.
    public init(replacing store: any SessionStore, session: String, lease: SessionLease?, keeping kept: [SessionEvent])
    {
        self.store = store
        self.session = session
        self.lease = lease
        self.events = kept
        self.pending = []
        self.replacingFrom = kept.count + 1
    }

    /// From now on, appends are held (in ``events`` at once) until ``commit()`` stores
    /// them together in one transaction; a storage write stores what is held with it.
    public func hold() {
        if pending == nil { pending = [] }
    }

    /// Stores every held event in one transaction and stops holding.
    /// - Throws: the store's error; then none of the held events is stored, and they are
    ///   gone from ``events`` too (the caller's session must be loaded again from the store).
    public func commit() throws(StoreError) {
        defer { pending = nil }
        try commitHeld(adding: nil)
    }

    /// Stores what is held, with `event` (a storage write) after it, in one transaction.
    /// When the store refuses only the write (its scope is full), what was held is stored
    /// without it and the refusal is thrown (the script is told).
    ///
    /// Any other failure stores nothing and leaves the log failed (``failure``): its events
    /// no longer match what is stored, so every later append and commit throws it, and its
    /// owner must load the session again from the store.
    private func commitHeld(adding event: SessionEvent?) throws(StoreError) {
        if let failure { throw failure }
        let held = pending ?? []
        let all = held + (event.map { [$0] } ?? [])
        let first = events.count - held.count + 1
        var refusal: StoreError?
        do {
            if let from = replacingFrom {
                try store.replaceEvents(of: session, from: from, with: all, lease: lease)
                replacingFrom = nil
            } else if !all.isEmpty {
                do {
                    try store.append(contentsOf: all, to: session, from: first, lease: lease)
                } catch  where error.code == .storageRefused && event != nil {
                    // Only the write was refused (its scope is full): the rest is stored.
                    if !held.isEmpty { try store.append(contentsOf: held, to: session, from: first, lease: lease) }
                    refusal = error
                }
            }
        } catch {
            events.removeLast(held.count)
            pending = []
            failure = error
            throw error
        }
        if pending != nil { pending = [] }
        if let refusal { throw refusal }
        if let event { events.append(event) }
    }

    /// Set when a held commit failed: the log must be loaded again from the store.
    public private(set) var failure: StoreError?
}

/// The log of a session in the SQLite store.
public typealias SQLiteSessionLog = StoredSessionLog
