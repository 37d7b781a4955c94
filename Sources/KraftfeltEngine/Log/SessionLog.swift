/// Where a session's events are kept. Appending must be durable before it returns: an
/// event is acknowledged only once it is in the log.
///
/// The log also reaches the storage that outlives the session: appending a
/// ``SessionEvent/stored(_:at:)`` event writes the value in the same step (or throws a
/// ``StorageError`` and logs nothing when the scope is full), and ``storedValue(_:key:)``
/// reads what a scope holds now.
public protocol SessionLog: AnyObject {
    /// Appends one event; returns its sequence number (1, 2, …).
    @discardableResult
    func append(_ event: SessionEvent) throws -> Int
    /// Every event so far, in order.
    var events: [SessionEvent] { get }
    /// What `key` holds in `scope` now, or nil.
    func storedValue(_ scope: StorageScope, key: String) throws -> StoredValue?
}

/// A log in memory: for rehearsals and tests. Its storage is a ``MemoryStorage``, which
/// several logs can share to stand in for one organisation.
public final class MemoryLog: SessionLog {
    public private(set) var events: [SessionEvent] = []
    public let storage: MemoryStorage
    let session: String

    public init(storage: MemoryStorage = MemoryStorage(), session: String = "memory") {
        self.storage = storage
        self.session = session
    }

    @discardableResult
    public func append(_ event: SessionEvent) throws -> Int {
        if case .stored(let write, _) = event, write.refused == nil {
            try storage.write(write, session: session)
        }
        events.append(event)
        return events.count
    }

    public func storedValue(_ scope: StorageScope, key: String) throws -> StoredValue? {
        storage.value(scope, key: key, session: session)
    }
}

/// Script storage in memory, with the same limits as the stores on disk.
public final class MemoryStorage {
    struct Key: Hashable {
        var kind: String
        var owner: String
        var key: String
    }
    var values: [Key: StoredValue] = [:]

    public init() {}

    func filed(_ scope: StorageScope, key: String, session: String) -> Key {
        Key(kind: scope.kind, owner: scope == .session ? session : scope.owner, key: key)
    }

    func value(_ scope: StorageScope, key: String, session: String) -> StoredValue? {
        values[filed(scope, key: key, session: session)]
    }

    func write(_ write: StorageWrite, session: String) throws(StorageError) {
        let target = filed(write.scope, key: write.key, session: session)
        let value = try write.result(after: values[target])
        let holding = values.filter { $0.key.kind == target.kind && $0.key.owner == target.owner && $0.key != target }
            .reduce(0) { $0 + StorageWrite.size(key: $1.key.key, $1.value) }
        let size = StorageWrite.size(key: write.key, value)
        if value != nil, holding + size > StorageLimits.scopeBytes {
            throw StorageLimits.full(write.scope, holding: holding, adding: size)
        }
        values[target] = value
    }
}
