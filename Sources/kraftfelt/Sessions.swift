import ArgumentParser
import Foundation
import KraftfeltEngine
import KraftfeltStore

/// `kraftfelt sessions`: the sessions in the data directory (read-only).
struct Sessions: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the sessions in the data directory.", subcommands: [ShowSession.self])

    @OptionGroup var data: DataOptions

    func run() throws {
        let store = try data.open(.readOnly)
        try data.warnIfRetentionIsDue(in: store)
        let records = try store.sessions()
        if records.isEmpty {
            Terminal.print("no sessions in \(data.location)", lines: false)
            return
        }
        for record in records {
            let events = (try? store.events(of: record.id).count) ?? 0
            let kind = record.rehearsal.map { "rehearsal, \($0.participants) bots" } ?? "live"
            let owner = record.organisation == SessionRecord.defaultOrganisation ? "" : ", \(record.organisation)"
            let runner = (try? store.lease(of: record.id)).flatMap { $0 }.map {
                "  (run by \($0.holder.program) pid \($0.holder.pid) on host \($0.holder.host))"
            }
            Terminal.print(
                "\(record.id)  \(record.exercise)  \(record.state)  \(events) events  (\(kind)\(owner))\(runner ?? "")",
                lines: false)
        }
    }
}

/// `kraftfelt sessions show ID`: what one session runs, and how (read-only).
struct ShowSession: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show what one session runs: its exercise, state, scripts and pack.")

    @Argument(help: "The session id (see `kraftfelt sessions`).")
    var id: String

    @OptionGroup var data: DataOptions

    func validate() throws { try Inputs.session(id) }

    func run() throws {
        let store = try data.open(.readOnly)
        let record = try store.session(id)
        let events = (try? store.events(of: record.id).count) ?? 0
        var lines = [
            "session: \(record.id)", "exercise: \(record.exercise)", "state: \(record.state)",
            "events: \(events)", "organisation: \(record.organisation)", "language: \(record.language)",
            "kind: " + (record.rehearsal.map { "rehearsal, \($0.participants) bots from \($0.areas) areas" } ?? "live"),
            "scripts: " + ([record.main] + record.library).map(\.fileName).joined(separator: ", "),
        ]
        if let pack = record.pack { lines.append("pack: " + Self.describe(pack)) }
        if let lease = (try? store.lease(of: record.id)).flatMap({ $0 }) {
            lines.append("run by: \(lease.holder.program) pid \(lease.holder.pid) on host \(lease.holder.host)")
        }
        for line in lines { Terminal.print(line, lines: false) }
    }

    /// `org.liberatingstructures.core 1.0.0 (sha256 3f2a9c01b7e4…, trusted, permissions: measures)`.
    static func describe(_ pack: PackProvenance) -> String {
        let hash = pack.hash.count > 12 ? pack.hash.prefix(12) + "…" : pack.hash
        let permissions = ScriptPermission.allCases.filter(pack.permissions.contains).map(\.rawValue)
        return "\(pack.named) (sha256 \(hash), \(pack.trusted ? "trusted" : "untrusted"), permissions: "
            + (permissions.isEmpty ? "none" : permissions.joined(separator: ", ")) + ")"
    }
}
