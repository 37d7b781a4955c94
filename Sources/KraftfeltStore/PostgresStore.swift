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
    private let connection = Mutex<PostgresConnection?>(nil)
    /// Appends arriving together are committed together (see ``GroupCommit``).
    let appends = GroupCommit<PendingAppend>()
    private static let logger = Logger(label: "kraftfelt.postgres")

    /// The schema version this build writes.
    static let version = 2

    /// Connects and creates or checks the tables.
    /// - Parameters:
    ///   - url: `postgres://user:password@host:port/database`.
    ///   - schema: the schema to use (created when missing).
    public init(url: String, schema: String = "public") throws(StoreError) {
        guard let parts = URLComponents(string: url), ["postgres", "postgresql"].contains(parts.scheme ?? ""),
            let host = parts.host, let user = parts.user, !parts.path.dropFirst().isEmpty
        else {
            throw StoreError(.io, "\(url): not a PostgreSQL URL like postgres://user:password@host:5432/database")
        }
        guard schema.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), !schema.isEmpty else {
            throw StoreError(.io, "\(schema): a schema name has letters, digits and _ only")
        }
        self.url = url.replacingOccurrences(of: ":\(parts.password ?? "")@", with: ":***@")
        self.schema = schema
        self.configuration = PostgresConnection.Configuration(
            host: host, port: parts.port ?? 5432, username: user, password: parts.password,
            database: String(parts.path.dropFirst()), tls: .disable)
        try migrate()
    }

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

    private func migrate() throws(StoreError) {
        // One transaction, under a lock per schema: hosts starting at once migrate once.
        try transaction { db in
            try run("SELECT pg_advisory_xact_lock(hashtext(\("kraftfelt:" + schema)))", on: db)
            try run(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"), on: db)
            try run("CREATE TABLE IF NOT EXISTS kraftfelt_schema (version INTEGER NOT NULL)", on: db)
            let found =
                try run("SELECT MAX(version) FROM kraftfelt_schema", on: db).collect().first
                .flatMap { try? $0.decode(Int?.self) } ?? nil
            if let found, found > Self.version {
                throw StoreError(.newerVersion, "\(url): the database was written by a newer version of Kraftfelt")
            }
            if found == nil {
                try run(
                    """
                    CREATE TABLE script (hash TEXT PRIMARY KEY, file_name TEXT NOT NULL, text TEXT NOT NULL);
                    """, on: db)
                try run(
                    """
                    CREATE TABLE session (id TEXT PRIMARY KEY, exercise TEXT NOT NULL,
                      main_script TEXT NOT NULL REFERENCES script, library TEXT NOT NULL, seed TEXT NOT NULL,
                      started_at BIGINT NOT NULL, language TEXT NOT NULL, state TEXT NOT NULL, rehearsal TEXT,
                      created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp())
                    """, on: db)
                try run(
                    """
                    CREATE TABLE event (session_id TEXT NOT NULL REFERENCES session ON DELETE CASCADE,
                      seq INTEGER NOT NULL, at BIGINT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (session_id, seq))
                    """, on: db)
                try run("INSERT INTO kraftfelt_schema VALUES (1)", on: db)
            }
            if (found ?? 1) < 2 {
                try run("CREATE TABLE organisation (id TEXT PRIMARY KEY, retention_days INTEGER)", on: db)
                try run(
                    PostgresQuery(
                        unsafeSQL: """
                            ALTER TABLE session ADD COLUMN organisation TEXT NOT NULL DEFAULT '\(SessionRecord.defaultOrganisation)',
                              ADD COLUMN anonymised_at TIMESTAMPTZ
                            """), on: db)
                try run("INSERT INTO organisation (id) SELECT DISTINCT organisation FROM session", on: db)
                try run(
                    """
                    CREATE TABLE storage (organisation TEXT NOT NULL, kind TEXT NOT NULL, owner TEXT NOT NULL,
                      key TEXT NOT NULL, value TEXT NOT NULL, size INTEGER NOT NULL,
                      updated_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
                      PRIMARY KEY (organisation, kind, owner, key))
                    """, on: db)
                try run(
                    """
                    CREATE TABLE measure (session_id TEXT NOT NULL REFERENCES session ON DELETE CASCADE,
                      position INTEGER NOT NULL, exercise TEXT NOT NULL, name TEXT NOT NULL,
                      value DOUBLE PRECISION NOT NULL, at BIGINT NOT NULL, PRIMARY KEY (session_id, position))
                    """, on: db)
                try run(
                    """
                    CREATE TABLE exercise (session_id TEXT NOT NULL REFERENCES session ON DELETE CASCADE,
                      position INTEGER NOT NULL, id TEXT NOT NULL, version TEXT NOT NULL, script_hash TEXT NOT NULL,
                      PRIMARY KEY (session_id, position))
                    """, on: db)
                try run("INSERT INTO kraftfelt_schema VALUES (2)", on: db)
            }
        }
    }
}

extension PostgresQueryResult {
    func collect() -> [PostgresRow] { Array(self) }
}
