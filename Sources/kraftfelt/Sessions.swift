import ArgumentParser
import Foundation
import KraftfeltEngine
import KraftfeltStore

/// `kraftfelt sessions`: the sessions in the data directory.
struct Sessions: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the sessions in the data directory.")

    @OptionGroup var data: DataOptions

    func run() throws {
        let store = try data.open()
        let records: [SessionRecord]
        do {
            records = try store.sessions()
        } catch {
            throw CLIError(error.message)
        }
        if records.isEmpty {
            print("no sessions in \(data.location)")
            return
        }
        for record in records {
            let events = (try? store.events(of: record.id).count) ?? 0
            let kind = record.rehearsal.map { "rehearsal, \($0.participants) bots" } ?? "live"
            let owner = record.organisation == SessionRecord.defaultOrganisation ? "" : ", \(record.organisation)"
            print("\(record.id)  \(record.exercise)  \(record.state)  \(events) events  (\(kind)\(owner))")
        }
    }
}

/// `kraftfelt resume ID`: continues a session from its log, exactly where it was.
struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Continue a session from its log after the host stopped or crashed.",
        discussion: """
            The session's events are replayed, so it is exactly where it was; a rehearsal then \
            goes on to its end. Prints the whole transcript.
            """
    )

    @Argument(help: "The session id (see `kraftfelt sessions`).")
    var id: String

    @OptionGroup var data: DataOptions

    func run() throws {
        let store = try data.open()
        let record: SessionRecord
        let log: SQLiteSessionLog
        do {
            record = try store.session(id)
            log = try SQLiteSessionLog(store: store, session: id)
        } catch {
            throw CLIError(error.message)
        }
        let session: Session
        if let settings = record.rehearsal {
            let rehearsal = try Rehearsal(
                definition: record.definition, participants: settings.participants, areas: settings.areas, log: log)
            session = try rehearsal.run(exercise: record.exercise, parameters: settings.parameters)
        } else {
            session = try Session(definition: record.definition, log: log)
            try session.replay(log.events)
        }
        try Rehearse.save(session, record, in: store)
        print(session.transcript.text, terminator: "")
        if case .failed(let error) = session.state { throw CLIError(error.message) }
    }
}
