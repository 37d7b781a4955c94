import KraftfeltEngine

/// A stored session's log for showing it, not running it: a replay reads its events (and,
/// should a script read storage live, the store), and any append is refused, so showing a
/// session writes nothing.
public final class ReplayLog: SessionLog {
    let store: any SessionStore
    public let session: String
    public let events: [SessionEvent]

    public init(store: any SessionStore, session: String) throws(StoreError) {
        self.store = store
        self.session = session
        self.events = try store.events(of: session)
    }

    public func append(_ event: SessionEvent) throws -> Int {
        throw StoreError(.readOnly, "session \(session) is being shown, not run: nothing is written")
    }

    public func storedValue(_ scope: StorageScope, key: String) throws -> StoredValue? {
        try store.storedValue(session: session, scope, key: key)
    }
}
