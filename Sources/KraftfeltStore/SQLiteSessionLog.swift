import Foundation
import GRDB
import KraftfeltEngine

extension SQLiteStore {
    /// Appends one event in its own transaction; returns its sequence number once it is
    /// committed and synced.
    /// - Parameter seq: the number it must get, when the caller knows it (a session's log
    ///   does); a clash with a stored event is an error, never an overwrite.
    @discardableResult
    public func append(_ event: SessionEvent, to session: String, seq: Int? = nil) throws(StoreError) -> Int {
        let text = try StoredForm.encode(event)
        return try write { db in
            if case .stored(let write, _) = event, write.refused == nil {
                try Self.apply(write, session: session, db)
            }
            let next =
                try seq
                ?? (Int.fetchOne(db, sql: "SELECT MAX(seq) FROM event WHERE sessionId = ?", arguments: [session]) ?? 0)
                + 1
            try db.cachedStatement(sql: "INSERT INTO event (sessionId, seq, at, body) VALUES (?, ?, ?, ?)")
                .execute(arguments: [session, next, event.at, text])
            return next
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
    let store: any SessionStore
    public let session: String
    public private(set) var events: [SessionEvent]

    /// The log of a stored session, with the events it has so far.
    public init(store: any SessionStore, session: String) throws(StoreError) {
        self.store = store
        self.session = session
        self.events = try store.events(of: session)
    }

    /// - Throws: ``StorageError`` when a storage write would overfill its scope (nothing
    ///   is logged then), else the store's ``StoreError``.
    @discardableResult
    public func append(_ event: SessionEvent) throws -> Int {
        let seq: Int
        do {
            seq = try store.append(event, to: session, seq: events.count + 1)
        } catch  where error.code == .storageFull {
            throw StorageError(error.message)
        }
        events.append(event)
        return seq
    }

    public func storedValue(_ scope: StorageScope, key: String) throws -> StoredValue? {
        try store.storedValue(session: session, scope, key: key)
    }
}

/// The log of a session in the SQLite store.
public typealias SQLiteSessionLog = StoredSessionLog
