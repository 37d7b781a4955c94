import ArgumentParser
import Foundation
import KraftfeltStore

/// Where sessions are kept: `--data DIR`, or `$KRAFTFELT_DATA`, or ~/.local/share/kraftfelt.
struct DataOptions: ParsableArguments {
    @Option(
        name: .customLong("data"), help: "The data directory (default: $KRAFTFELT_DATA or ~/.local/share/kraftfelt).")
    var directory: String?

    var resolved: String {
        if let directory { return directory }
        let environment = ProcessInfo.processInfo.environment
        if let data = environment["KRAFTFELT_DATA"], !data.isEmpty { return data }
        let base =
            environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/share")
        return (base as NSString).appendingPathComponent("kraftfelt")
    }

    func open() throws -> SQLiteStore {
        do {
            return try SQLiteStore(directory: resolved)
        } catch {
            throw CLIError(error.message)
        }
    }
}
