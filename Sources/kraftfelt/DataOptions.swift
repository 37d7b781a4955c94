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

    /// Opens the store and applies the organisations' retention settings first, so that
    /// no command shows personal data older than the organisation keeps it.
    func open() throws -> any SessionStore {
        do {
            let store: any SessionStore =
                if let url = databaseURL { try PostgresStore(url: url) } else { try SQLiteStore(directory: resolved) }
            try Self.applyRetention(in: store)
            return store
        } catch {
            throw CLIError(error.message)
        }
    }

    /// Applies the organisations' retention settings; a session it cannot anonymise is a
    /// warning on standard error, not a reason to stop.
    static func applyRetention(in store: any SessionStore) throws(StoreError) {
        for failure in try store.applyRetention().failures {
            FileHandle.standardError.write(Data("warning: \(failure)\n".utf8))
        }
    }

    /// An organisation id: 1 to 64 letters, digits, `-`, `_` or `.`.
    static func validate(organisation: String) throws {
        guard (1...64).contains(organisation.utf8.count),
            organisation.unicodeScalars.allSatisfy({
                CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)
            })
        else {
            throw ValidationError(
                "--organisation must have 1 to 64 letters, digits, '-', '_' or '.', got \"\(organisation)\"")
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
