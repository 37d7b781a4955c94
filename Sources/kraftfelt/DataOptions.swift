import ArgumentParser
import Foundation
import KraftfeltStore

/// Where sessions are kept: PostgreSQL with `--database URL` (or `$KRAFTFELT_DATABASE`),
/// else SQLite in `--data DIR`, `$KRAFTFELT_DATA` or ~/.local/share/kraftfelt.
struct DataOptions: ParsableArguments {
    @Option(
        name: .customLong("data"), help: "The data directory (default: $KRAFTFELT_DATA or ~/.local/share/kraftfelt).")
    var directory: String?

    @Option(
        name: .customLong("database"), help: "A PostgreSQL URL (postgres://user:password@host/db) instead of --data.")
    var database: String?

    var databaseURL: String? {
        database ?? ProcessInfo.processInfo.environment["KRAFTFELT_DATABASE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    var resolved: String {
        if let directory { return directory }
        let environment = ProcessInfo.processInfo.environment
        if let data = environment["KRAFTFELT_DATA"], !data.isEmpty { return data }
        let base =
            environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/share")
        return (base as NSString).appendingPathComponent("kraftfelt")
    }

    func open() throws -> any SessionStore {
        do {
            if let url = databaseURL { return try PostgresStore(url: url) }
            return try SQLiteStore(directory: resolved)
        } catch {
            throw CLIError(error.message)
        }
    }

    /// Opens the store and runs `body` with it; a store error becomes the one-line CLI error.
    func use<T>(_ body: (any SessionStore) throws(StoreError) -> T) throws -> T {
        let store = try open()
        do {
            return try body(store)
        } catch {
            throw CLIError(error.message)
        }
    }

    /// Where the sessions are, for messages.
    var location: String { databaseURL.map { _ in "the database" } ?? resolved }
}
