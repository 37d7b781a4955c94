/// How a command opens a store.
public enum StoreAccess: Sendable {
    /// Reads only: the store is opened read-only (SQLite's `SQLITE_OPEN_READONLY`,
    /// PostgreSQL's `default_transaction_read_only`), nothing is created, migrated or
    /// switched to WAL, and an older schema is refused with ``StoreError/Code/olderVersion``.
    case readOnly
    /// Reads and writes: a missing store is created, an older schema upgraded.
    case readWrite
}

/// What opening a store did to its schema.
public enum SchemaChange: Hashable, Sendable {
    /// Nothing: the schema was this version's.
    case none
    /// The store was new: its tables were created.
    case created
    /// An older schema was upgraded from this version.
    case upgraded(from: Int)
}
