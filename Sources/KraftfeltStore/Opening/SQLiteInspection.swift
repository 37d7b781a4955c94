import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the file at a store's path is, found without changing it: its bytes are read,
/// then SQLite opens it read-only (no migration, no journal mode switched) to list its
/// tables and schema record.
enum SQLiteInspection {
    enum Found: Equatable {
        /// No file.
        case missing
        /// A file that holds nothing (no bytes, or an SQLite database without tables).
        case empty
        /// A Kraftfelt store of this schema version (this build's or older).
        case kraftfelt(version: Int)
    }

    struct Contents {
        var applicationID: Int32
        var tables: Set<String>
        /// GRDB's record of migrations, when there is one.
        var identifiers: [String]?
    }

    static func inspect(_ path: String) throws(StoreError) -> Found {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return .missing }
            throw StoreError(.io, "\(path): cannot open the database (\(reason(errno)))")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw notOurs(path, "it is a directory")
        default: throw notOurs(path, "it is not a regular file")
        }
        if info.st_size == 0 {
            var wal = stat()
            if stat(path + "-wal", &wal) == 0 && wal.st_size > 0 {
                throw damaged(path, "the file is empty, but its -wal file holds data")
            }
            return .empty
        }
        let head = try firstBytes(path, 100)
        try SQLiteHeader.check(head, path: path)
        // A WAL database with no -wal file is whole in its file, and nobody has it open:
        // it is read as immutable, so that SQLite creates no -wal and -shm beside it.
        var wal = stat()
        let immutable = head[18] == 2 && (stat(path + "-wal", &wal) != 0 || wal.st_size == 0)
        return try classify(try contents(path, immutable: immutable), path)
    }

    /// Decides from the tables and the schema record whose file it is.
    static func classify(_ found: Contents, _ path: String) throws(StoreError) -> Found {
        if found.applicationID != 0 && found.applicationID != SQLiteSchema.applicationID {
            throw notOurs(path, "it belongs to another application (its application_id is \(found.applicationID))")
        }
        let marked = found.applicationID == SQLiteSchema.applicationID
        let tables = found.tables
        guard let identifiers = found.identifiers else {
            if tables.isEmpty { return .empty }
            let clash = tables.intersection(SQLiteSchema.allTables)
            throw notOurs(
                path,
                clash.isEmpty
                    ? "it holds other tables (\(list(tables)))"
                    : "it holds tables named like Kraftfelt's (\(list(clash))) but no Kraftfelt schema record")
        }
        let known = SQLiteSchema.identifiers
        let unknown = identifiers.filter { !known.contains($0) }
        if !unknown.isEmpty {
            if marked && unknown.allSatisfy(SQLiteSchema.isLater) && known.allSatisfy(identifiers.contains) {
                let newest = unknown.count + known.count
                throw StoreError(
                    .newerVersion,
                    "\(path): the database was written by a newer version of Kraftfelt (schema version \(newest); "
                        + "this version knows 1 to \(SQLiteSchema.version))")
            }
            throw notOurs(path, "its schema record names migrations Kraftfelt does not know (\(list(Set(unknown))))")
        }
        let version = known.prefix { identifiers.contains($0) }.count
        let applied = Set(identifiers)
        guard applied == Set(known.prefix(version)) else {
            let missing = Set(known.prefix(applied.count)).subtracting(applied)
            throw damaged(path, "its schema record lacks \(list(missing))")
        }
        let others = tables.subtracting(["grdb_migrations"])
        if version == 0 {
            if others.isEmpty { return .empty }
            throw notOurs(path, "it holds other tables (\(list(others))) and an empty schema record")
        }
        let expected = SQLiteSchema.tables(upTo: version)
        let extra = tables.subtracting(expected)
        if !marked && !extra.isEmpty {
            throw notOurs(path, "it holds tables Kraftfelt does not make (\(list(extra)))")
        }
        let missing = expected.subtracting(tables)
        if !missing.isEmpty { throw damaged(path, "its tables \(list(missing)) are missing") }
        return .kraftfelt(version: version)
    }

    /// The application id, tables and schema record, read through a read-only connection
    /// (with `immutable`, through SQLite's `immutable=1` URI, where SQLite reads URIs).
    static func contents(_ path: String, immutable: Bool) throws(StoreError) -> Contents {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        do {
            var unchanging: DatabaseQueue?
            if immutable, let uri = immutableURI(path) {
                do {
                    unchanging = try DatabaseQueue(path: uri, configuration: configuration)
                } catch let error as DatabaseError where error.resultCode == .SQLITE_CANTOPEN {
                    unchanging = nil  // this SQLite takes no URIs: read it normally
                }
            }
            let queue = try unchanging ?? DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                let application = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let names = try DatabaseValue.fetchAll(
                    db,
                    sql:
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                ).compactMap { String.fromDatabaseValue($0) }
                var identifiers: [String]?
                if names.contains("grdb_migrations") {
                    do {
                        identifiers = try DatabaseValue.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
                            .map { String.fromDatabaseValue($0) ?? "\($0)" }
                    } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
                        throw notOurs(path, "its grdb_migrations table is not Kraftfelt's")
                    }
                }
                return Contents(applicationID: application, tables: Set(names), identifiers: identifiers)
            }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError where [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode) {
            throw damaged(path, error.message ?? "database disk image is malformed")
        } catch {
            throw SQLiteStore.translate(error, path: path, access: .readOnly)
        }
    }

    /// `file:PATH?immutable=1`, for an absolute path (a relative one is read normally).
    static func immutableURI(_ path: String) -> String? {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        guard let encoded = absolute.addingPercentEncoding(withAllowedCharacters: allowed) else { return nil }
        return "file:" + encoded + "?immutable=1"
    }

    static func firstBytes(_ path: String, _ count: Int) throws(StoreError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw StoreError(.io, "\(path): cannot read the database (\(reason(errno)))") }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, count - filled) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw StoreError(.io, "\(path): cannot read the database (\(reason(errno)))") }
            if got == 0 { break }
            filled += got
        }
        return Array(bytes.prefix(filled))
    }

    static func notOurs(_ path: String, _ why: String) -> StoreError {
        StoreError(.notADatabase, "\(path): not a Kraftfelt database: \(why); nothing was changed")
    }

    static func damaged(_ path: String, _ why: String) -> StoreError {
        StoreError(.damaged, "\(path): the database is damaged (\(why)); restore it from a backup")
    }

    static func reason(_ code: Int32) -> String { String(cString: strerror(code)).lowercased() }

    /// Names for a message, sorted; at most five.
    static func list(_ names: Set<String>) -> String {
        let sorted = names.sorted()
        return sorted.prefix(5).joined(separator: ", ") + (sorted.count > 5 ? ", …" : "")
    }
}
