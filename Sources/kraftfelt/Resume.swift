import ArgumentParser
import Foundation
import KraftfeltEngine
import KraftfeltStore

/// `kraftfelt resume ID`: continues a session from its log, exactly where it was.
struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Continue a session from its log after the host stopped or crashed.",
        discussion: """
            The session's events are replayed, so it is exactly where it was; a rehearsal then \
            goes on to its end. Prints the whole transcript. Only a running session (or one whose \
            store failed under it) is continued; any other is shown as its log replays, and \
            nothing is written: exit code 0 for a finished session, 1 for the rest.
            """
    )

    @Argument(help: "The session id (see `kraftfelt sessions`).")
    var id: String

    @OptionGroup var data: DataOptions

    func validate() throws { try Inputs.session(id) }

    func run() throws {
        let reader = try data.open(.readOnly, upgradingOlder: true)
        let stored = try reader.session(id)
        guard stored.status.isResumable else { return try Self.show(stored, from: reader) }
        let store = try data.open(.readWrite)
        if stored.rehearsal != nil {
            // A rehearsal goes on to its end through the host, its bots catching up first.
            switch try HostedRehearsal(store: store, keeps: true, progress: nil).run(id) {
            case .success(let outcome):
                Terminal.print(outcome.transcript, terminator: "")
                if case .failed(let error) = outcome.state { throw CLIError(error.message) }
                return
            case .failure(let refusal): return try Self.show(refusal.record, from: store)
            }
        }
        let leased = try LeasedRun(store: store, record: stored)
        // Read again under the lease: a process that held it may have ended the session.
        let record: SessionRecord
        do {
            record = try store.session(id)
        } catch {
            leased.abandon()
            throw error
        }
        guard record.status.isResumable else {
            leased.abandon()
            return try Self.show(record, from: store)
        }
        let supervised = Supervision.Stored(store: store, id: id, keeper: leased.keeper)
        let session = try leased.run {
            let log = try leased.log()
            let session = try Session(definition: record.definition, log: log, modules: TestingModule.modules)
            let watchdog = Supervision.watch(session.activity, limits: record.definition.limits, stored: supervised)
            defer { watchdog.stop() }
            try session.replay(log.events)
            return session
        }
        Terminal.print(session.transcript.text, terminator: "")
        if case .failed(let error) = session.state { throw CLIError(error.message) }
    }

    /// A session that is not running: its transcript as its log replays (written nowhere),
    /// and why there is nothing to resume. Finished is not an error; the rest are.
    static func show(_ record: SessionRecord, from store: any SessionStore) throws {
        let id = record.id
        if record.status == .anonymised {
            throw CLIError(
                "session \(id) was anonymised; nothing to resume (its log no longer replays to its transcript)")
        }
        let log = try ReplayLog(store: store, session: id)
        let session = try Session(definition: record.definition, log: log)
        do {
            try session.replay(log.events)
        } catch {
            Terminal.line("warning: the log of session \(id) no longer replays to its end (\(describe(error)))")
        }
        Terminal.print(session.transcript.text, terminator: "")
        let replayed = LeasedRun.describe(session.state)
        if replayed != record.state {
            Terminal.line("warning: replaying the log of session \(id) now ends \"\(replayed)\", not as stored")
        }
        switch record.status {
        case .finished: Terminal.line("session \(id) has finished; nothing to resume")
        case .failed(let reason): throw CLIError("session \(id) failed: \(reason); nothing to resume")
        case .open: throw CLIError("session \(id) has not started; nothing to resume")
        default: throw CLIError("session \(id) is \"\(record.state)\"; nothing to resume")
        }
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case let error as SessionError: error.message
        case let error as StoreError: error.message
        default: "\(error)"
        }
    }
}
