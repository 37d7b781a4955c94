import ArgumentParser
import Foundation
import KraftfeltEngine
import KraftfeltStore

/// `kraftfelt sessions`: the sessions in the data directory (read-only).
struct Sessions: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the sessions in the data directory.")

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
