import Foundation
import GRDB
import KraftfeltEngine

/// The embedded store: one SQLite file in a data directory, in WAL mode, with every
/// commit synced to disk before it returns.
///
/// An event is acknowledged only once its transaction has committed, so a session
/// survives a crash of the host with nothing acknowledged lost.
public struct SQLiteStore: Sendable {
    let writer: DatabasePool
    public let path: String
    /// Appends arriving together are committed together (see ``GroupCommit``).
    let appends: GroupCommit<PendingAppend>

    /// The schema version this build writes.
    static let migrations = ["v1-sessions-events-scripts", "v2-organisations-storage-measures"]

    /// Opens (or creates) `kraftfelt.sqlite` in `directory`, migrating it to this version.
    public init(directory: String) throws(StoreError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError(.io, "\(directory): cannot create the data directory (\(error.localizedDescription))")
        }
        try self.init(path: (directory as NSString).appendingPathComponent("kraftfelt.sqlite"))
    }

    /// Opens (or creates) the database file at `path`.
    public init(path: String) throws(StoreError) {
        try self.init(path: path, maximumPages: nil)
    }

    /// - Parameter maximumPages: caps the file (SQLite's `max_page_count`): tests use it to
    ///   see what a full disk does.
    init(path: String, maximumPages: Int?) throws(StoreError) {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            if let maximumPages { try db.execute(sql: "PRAGMA max_page_count = \(maximumPages)") }
        }
        do {
            writer = try DatabasePool(path: path, configuration: configuration)
            appends = GroupCommit()
            var migrator = DatabaseMigrator()
            migrator.registerMigration(Self.migrations[0]) { db in
                try db.create(table: "script") { t in
                    t.primaryKey("hash", .text)
                    t.column("fileName", .text).notNull()
                    t.column("text", .text).notNull()
                }
                try db.create(table: "session") { t in
                    t.primaryKey("id", .text)
                    t.column("exercise", .text).notNull()
                    t.column("mainScript", .text).notNull().references("script")
                    t.column("library", .text).notNull()
                    t.column("seed", .text).notNull()
                    t.column("startedAt", .integer).notNull()
                    t.column("language", .text).notNull()
                    t.column("state", .text).notNull()
                    t.column("rehearsal", .text)
                    t.column("createdAt", .datetime).notNull()
                }
                try db.create(table: "event") { t in
                    t.column("sessionId", .text).notNull().references("session", onDelete: .cascade)
                    t.column("seq", .integer).notNull()
                    t.column("at", .integer).notNull()
                    t.column("body", .text).notNull()
                    t.primaryKey(["sessionId", "seq"])
                }
            }
            migrator.registerMigration(Self.migrations[1]) { db in
                try db.create(table: "organisation") { t in
                    t.primaryKey("id", .text)
                    t.column("retentionDays", .integer)
                }
                try db.alter(table: "session") { t in
                    t.add(column: "organisation", .text).notNull().defaults(to: SessionRecord.defaultOrganisation)
                    t.add(column: "anonymisedAt", .datetime)
                }
                try db.execute(sql: "INSERT INTO organisation (id) SELECT DISTINCT organisation FROM session")
                try db.create(table: "storage") { t in
                    t.column("organisation", .text).notNull()
                    t.column("kind", .text).notNull()
                    t.column("owner", .text).notNull()
                    t.column("key", .text).notNull()
                    t.column("value", .text).notNull()
                    t.column("size", .integer).notNull()
                    t.column("updatedAt", .datetime).notNull()
                    t.primaryKey(["organisation", "kind", "owner", "key"])
                }
                try db.create(table: "measure") { t in
                    t.column("sessionId", .text).notNull().references("session", onDelete: .cascade)
                    t.column("position", .integer).notNull()
                    t.column("exercise", .text).notNull()
                    t.column("name", .text).notNull()
                    t.column("value", .double).notNull()
                    t.column("at", .integer).notNull()
                    t.primaryKey(["sessionId", "position"])
                }
                try db.create(table: "exercise") { t in
                    t.column("sessionId", .text).notNull().references("session", onDelete: .cascade)
                    t.column("position", .integer).notNull()
                    t.column("id", .text).notNull()
                    t.column("version", .text).notNull()
                    t.column("scriptHash", .text).notNull()
                    t.primaryKey(["sessionId", "position"])
                }
            }
            let superseded = try writer.read { db in try migrator.hasBeenSuperseded(db) }
            if superseded {
                throw StoreError(.newerVersion, "\(path): the database was written by a newer version of Kraftfelt")
            }
            try migrator.migrate(writer)
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    static func translate(_ error: Error, path: String) -> StoreError {
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                return StoreError(
                    .notADatabase, "\(path): not a Kraftfelt database (\(error.message ?? "file is not a database"))")
            case .SQLITE_FULL:
                return StoreError(.io, "\(path): the disk is full; nothing more was written")
            case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN:
                return StoreError(.io, "\(path): cannot write the database (\(error.message ?? "permission denied"))")
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
            throw Self.translate(error, path: path)
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try writer.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw Self.translate(error, path: path)
        }
    }
}
