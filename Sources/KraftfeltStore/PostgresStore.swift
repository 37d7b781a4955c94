import Foundation
import KraftfeltEngine
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// The store for organisations that run several host instances: the same data as
/// ``SQLiteStore``, in PostgreSQL (`--database postgres://user:password@host/db`).
///
/// Calls are synchronous, like the engine that makes them: each runs on PostgresNIO's
/// event loop and is waited for off it. One connection, used by one call at a time; a
/// lost connection is reported and opened again on the next call.
public final class PostgresStore: SessionStore {
    let configuration: PostgresConnection.Configuration
    /// The schema the tables live in (`public` by default; tests use one each).
    let schema: String
    public let url: String
    public let access: StoreAccess
    /// What opening did to the schema (set once, in `init`).
    private let opened = Mutex<SchemaChange>(.none)
    public var schemaChange: SchemaChange { opened.withLock { $0 } }
    private let connection = Mutex<PostgresConnection?>(nil)
    /// Appends arriving together are committed together (see ``GroupCommit``).
    let appends = GroupCommit<PendingAppend>()
    private static let logger = Logger(label: "kraftfelt.postgres")

    /// Connects and checks the tables; read-write creates or upgrades them.
    /// - Parameters:
    ///   - url: `postgres://user:password@host:port/database`, with `?schema=NAME` to keep
    ///     the tables in another schema than `schema`.
    ///   - schema: the schema to use (created when missing, read-write only).
    ///   - access: read-only runs every transaction read-only and changes nothing.
    public init(url: String, schema: String = "public", access: StoreAccess = .readWrite) throws(StoreError) {
        guard let parts = URLComponents(string: url), ["postgres", "postgresql"].contains(parts.scheme ?? ""),
            let host = parts.host, let user = parts.user, !parts.path.dropFirst().isEmpty
        else {
            throw StoreError(.io, "\(url): not a PostgreSQL URL like postgres://user:password@host:5432/database")
        }
        let masked = url.replacingOccurrences(of: ":\(parts.password ?? "")@", with: ":***@")
        if let port = parts.port, !(1...65_535).contains(port) {
            throw StoreError(.io, "\(masked): the port must be from 1 to 65535, got \(port)")
        }
        let parameters = parts.queryItems ?? []
        if let other = parameters.first(where: { $0.name != "schema" }) {
            throw StoreError(.io, "\(masked): the only URL parameter Kraftfelt reads is schema, got \(other.name)")
        }
        let schema = parameters.first?.value ?? schema
        guard schema.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), !schema.isEmpty else {
            throw StoreError(.io, "\(schema): a schema name has letters, digits and _ only (ASCII)")
        }
        self.url = masked
        self.schema = schema
        self.configuration = PostgresConnection.Configuration(
            host: host, port: parts.port ?? 5432, username: user, password: parts.password,
            database: String(parts.path.dropFirst()), tls: .disable)
        self.access = access
        let change = try prepare()
        opened.withLock { $0 = change }
    }

    /// The database and schema, for messages about the schema.
    var place: String { schema == "public" ? url : "\(url) (schema \(schema))" }

    deinit {
        connection.withLock { $0 }.map { try? $0.close().wait() }
    }

    /// Runs `body` with the connection, opening it when needed; errors become StoreErrors.
    func with<T>(_ body: (PostgresConnection) throws -> T) throws(StoreError) -> T {
        do {
            return try connection.withLock { current in
                let open: PostgresConnection
                if let current, !current.isClosed {
                    open = current
                } else {
                    open = try PostgresConnection.connect(
                        on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 1,
                        logger: Self.logger
                    ).wait()
                    _ = try open.query(PostgresQuery(unsafeSQL: "SET search_path TO \(schema)"), logger: Self.logger)
                        .wait()
                    if access == .readOnly {
                        _ = try open.query("SET default_transaction_read_only = on", logger: Self.logger).wait()
                    }
                    current = open
                }
                return try body(open)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw translate(error)
        }
    }

    func translate(_ error: Error) -> StoreError {
        if let error = error as? PSQLError {
            if error.serverInfo?[.sqlState] == "25006" {
                return StoreError(.readOnly, "\(url): the database is open for reading only; nothing was written")
            }
            if let message = error.serverInfo?[.message] {
                return StoreError(.io, "\(url): \(message)")
            }
            return StoreError(.io, "\(url): lost or refused connection to PostgreSQL (\(error.code))")
        }
        return StoreError(.io, "\(url): \(error)")
    }

    @discardableResult
    func run(_ query: PostgresQuery, on db: PostgresConnection) throws -> PostgresQueryResult {
        try db.query(query, logger: Self.logger).wait()
    }

    /// Runs `body` in one transaction on the connection, rolling back when it throws.
    func transaction<T>(_ body: (PostgresConnection) throws -> T) throws(StoreError) -> T {
        try with { db in
            try run("BEGIN", on: db)
            do {
                let result = try body(db)
                try run("COMMIT", on: db)
                return result
            } catch {
                _ = try? run("ROLLBACK", on: db)
                throw error
            }
        }
    }
}

extension PostgresQueryResult {
    func collect() -> [PostgresRow] { Array(self) }
}
