import ArgumentParser
import Foundation
import KraftfeltStore

/// Where sessions are kept: PostgreSQL with `--database URL`, SQLite in `--data DIR`;
/// without either, `$KRAFTFELT_DATABASE`, then `$KRAFTFELT_DATA`, then
/// ~/.local/share/kraftfelt.
struct DataOptions: ParsableArguments {
    @Option(
        name: .customLong("data"), help: "The data directory (default: $KRAFTFELT_DATA or ~/.local/share/kraftfelt).")
    var directory: String?

    @Option(
        name: .customLong("database"), help: "A PostgreSQL URL (postgres://user:password@host/db) instead of --data.")
    var database: String?

    func validate() throws {
        if let directory { try Inputs.path(directory, option: "--data") }
        if let database { try Inputs.path(database, option: "--database") }
        if directory != nil && database != nil { throw ValidationError("give --data or --database, not both") }
    }

    var databaseURL: String? {
        if let database { return database }
        if directory != nil { return nil }
        return ProcessInfo.processInfo.environment["KRAFTFELT_DATABASE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    var resolved: String { directory ?? Self.defaultDirectory }

    /// `$KRAFTFELT_DATA`, else `$XDG_DATA_HOME/kraftfelt`, else ~/.local/share/kraftfelt.
    static var defaultDirectory: String {
        let environment = ProcessInfo.processInfo.environment
        if let data = environment["KRAFTFELT_DATA"], !data.isEmpty { return data }
        let base =
            environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/share")
        return (base as NSString).appendingPathComponent("kraftfelt")
    }

    /// How to name these options again in a hint: `--data DIR` or `--database URL`.
    var again: String { databaseURL != nil ? "--database URL" : "--data \(resolved)" }

    /// Opens the store. Read-only opens change nothing (see ``StoreAccess``); where nothing
    /// is stored yet they see an ``EmptyStore``. Read-write applies the organisations'
    /// retention settings first.
    /// - Parameter upgradingOlder: read-only, but a command that may write next (resume)
    ///   upgrades an older schema instead of refusing it.
    func open(_ access: StoreAccess, upgradingOlder: Bool = false) throws -> any SessionStore {
        let store: any SessionStore
        do {
            store = try connect(access)
        } catch let error as StoreError {
            switch error.code {
            case .noData: return EmptyStore(location: location)
            case .olderVersion where upgradingOlder: return try open(.readWrite)
            case .olderVersion:
                throw CLIError(
                    "\(error.message) (`kraftfelt upgrade \(again)` upgrades it, as does any command that writes)")
            default: throw error
            }
        }
        if access == .readWrite { try Self.applyRetention(in: store) }
        return store
    }

    private func connect(_ access: StoreAccess) throws -> any SessionStore {
        if let url = databaseURL { return try PostgresStore(url: url, access: access) }
        return try SQLiteStore(directory: resolved, access: access)
    }

    /// Applies the organisations' retention settings; a session it cannot anonymise is a
    /// warning on standard error, not a reason to stop.
    static func applyRetention(in store: any SessionStore) throws(StoreError) {
        for failure in try store.applyRetention().failures { Terminal.line("warning: \(failure)") }
    }

    /// For read-only commands, which do not apply retention: a warning when it is due.
    func warnIfRetentionIsDue(in store: any SessionStore) throws(StoreError) {
        var due = 0
        for organisation in try store.organisations() {
            guard let days = organisation.retentionDays else { continue }
            let cutoff = Date().addingTimeInterval(-Double(days) * 86_400)
            due += try store.sessionsToAnonymise(in: organisation.id, startedBefore: cutoff).count
        }
        if due > 0 {
            Terminal.line(
                "warning: \(due) session\(due == 1 ? " is" : "s are") past their organisation's retention; "
                    + "`kraftfelt retention \(again)` anonymises them")
        }
    }

    /// Opens the store and runs `body` with it; a store error becomes the one-line CLI error.
    func use<T>(_ access: StoreAccess, _ body: (any SessionStore) throws(StoreError) -> T) throws -> T {
        let store = try open(access)
        return try body(store)
    }

    /// Where the sessions are, for messages.
    var location: String { databaseURL.map { _ in "the database" } ?? resolved }
}
