import KraftfeltEngine

/// What the host needs from a store: sessions, the scripts they ran, and their event
/// logs. SQLite (``SQLiteStore``) is the embedded default; a PostgreSQL store for several
/// host instances implements the same protocol and passes the same test suite.
public protocol SessionStore: Sendable {
    /// Stores a new session and its scripts; fails if the id is taken.
    func createSession(_ record: SessionRecord) throws(StoreError)
    /// Every stored session, oldest first.
    func sessions() throws(StoreError) -> [SessionRecord]
    /// One stored session.
    func session(_ id: String) throws(StoreError) -> SessionRecord
    /// Saves a session's state for listings.
    func setState(_ id: String, _ state: String) throws(StoreError)
    /// Appends one event durably; `seq`, when given, is the number it must get.
    @discardableResult
    func append(_ event: SessionEvent, to session: String, seq: Int?) throws(StoreError) -> Int
    /// A session's events in order.
    func events(of session: String) throws(StoreError) -> [SessionEvent]
    /// Deletes a session, its events, and the scripts no other session uses.
    func deleteSession(_ id: String) throws(StoreError)
    /// Rewrites a session's events in one transaction (same number, same order): for
    /// anonymising personal data, never for changing what happened.
    func rewriteEvents(of session: String, _ events: [SessionEvent]) throws(StoreError)
}

extension SQLiteStore: SessionStore {}
