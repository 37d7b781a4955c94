import Foundation
import GRDB
import KraftfeltEngine

/// The embedded store: one SQLite file in a data directory, in WAL mode, with every
/// commit synced to disk before it returns.
///
/// An event is acknowledged only once its transaction has committed, so a session
/// survives a crash of the host with nothing acknowledged lost. Before SQLite opens the
/// file for writing, the store reads it (``SQLiteInspection``): a file that is not a
/// Kraftfelt store, is damaged or is newer is refused untouched.
public struct SQLiteStore: Sendable {
    let writer: any DatabaseWriter
    public let path: String
    public let access: StoreAccess
    public let schemaChange: SchemaChange
    /// Appends arriving together are committed together (see ``GroupCommit``).
    let appends: GroupCommit<PendingAppend>

    /// Opens `kraftfelt.sqlite` in `directory`. Read-write creates the directory and the
    /// file when missing and upgrades an older schema; read-only changes nothing.
    public init(directory: String, access: StoreAccess = .readWrite) throws(StoreError) {
        if access == .readWrite {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw StoreError(.io, "\(directory): cannot create the data directory (\(error.localizedDescription))")
            }
        }
        try self.init(path: (directory as NSString).appendingPathComponent("kraftfelt.sqlite"), access: access)
    }

    /// Opens the database file at `path` (see ``init(directory:access:)``).
    public init(path: String, access: StoreAccess = .readWrite) throws(StoreError) {
        try self.init(path: path, access: access, maximumPages: nil)
    }

    /// - Parameter maximumPages: caps the file (SQLite's `max_page_count`): tests use it to
    ///   see what a full disk does.
    init(path: String, access: StoreAccess = .readWrite, maximumPages: Int?) throws(StoreError) {
        self.path = path
        self.access = access
        appends = GroupCommit()
        let found = try SQLiteInspection.inspect(path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            if let maximumPages { try db.execute(sql: "PRAGMA max_page_count = \(maximumPages)") }
        }
        do {
            switch (access, found) {
            case (.readOnly, .kraftfelt(let version)) where version == SQLiteSchema.version:
                configuration.readonly = true
                writer = try DatabaseQueue(path: path, configuration: configuration)
                schemaChange = .none
            case (.readOnly, .kraftfelt(let version)):
                throw StoreError(
                    .olderVersion,
                    "\(path): the database has schema version \(version) of Kraftfelt and this version reads "
                        + "\(SQLiteSchema.version): it must be upgraded first")
            case (.readOnly, _):
                throw StoreError(.noData, "\(path): nothing is stored here yet")
            case (.readWrite, _):
                writer = try DatabasePool(path: path, configuration: configuration)
                try SQLiteSchema.migrator.migrate(writer)
                schemaChange =
                    switch found {
                    case .kraftfelt(let version) where version < SQLiteSchema.version: .upgraded(from: version)
                    case .kraftfelt: .none
                    case .missing, .empty: .created
                    }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.translate(error, path: path, access: access)
        }
    }

    /// A store in memory: for rehearsals that keep nothing (the same code as on disk,
    /// without the disk). Gone with the process.
    public static func inMemory() throws(StoreError) -> SQLiteStore {
        try SQLiteStore(memory: ())
    }

    private init(memory: Void) throws(StoreError) {
        path = ":memory:"
        access = .readWrite
        appends = GroupCommit()
        schemaChange = .created
        do {
            let queue = try DatabaseQueue()
            try SQLiteSchema.migrator.migrate(queue)
            writer = queue
        } catch {
            throw Self.translate(error, path: path, access: access)
        }
    }

    static func translate(_ error: Error, path: String, access: StoreAccess = .readWrite) -> StoreError {
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB:
                return StoreError(
                    .notADatabase, "\(path): not a Kraftfelt database (\(error.message ?? "file is not a database"))")
            case .SQLITE_CORRUPT:
                return SQLiteInspection.damaged(path, error.message ?? "database disk image is malformed")
            case .SQLITE_FULL:
                return StoreError(.io, "\(path): the disk is full; nothing more was written")
            case .SQLITE_READONLY where access == .readOnly:
                return StoreError(.readOnly, "\(path): the database is open for reading only; nothing was written")
            case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN:
                let verb = access == .readOnly ? "read" : "write"
                return StoreError(
                    .io, "\(path): cannot \(verb) the database (\(error.message ?? "permission denied"))")
            default:
                return StoreError(.io, "\(path): \(error.message ?? "\(error)")")
            }
        }
        return StoreError(.io, "\(path): \(error)")
    }

    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try writer.write(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.translate(error, path: path, access: access)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try writer.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.translate(error, path: path, access: access)
        }
    }
}
