import CKraftfeltHost
import Foundation
import KraftfeltEngine
import KraftfeltLua

/// The worker process's side: runs one session for the host, which sends it inputs over
/// standard input and takes what it logs and reports over standard output. The worker
/// holds the Lua VM; the host holds the store, the clock and the watchdog that kills the
/// worker when a step runs past its limit (see `docs/security.md`).
public enum WorkerServer {
    /// Serves requests until the host closes the line; returns the exit code.
    /// - Parameter modules: host modules the session's scripts see besides `kf`.
    public static func run(input: Int32 = 0, output: Int32 = 1, modules: [HostModule] = []) -> Int32 {
        limitThisProcess()
        let channel = LineChannel(input: input, output: output)
        var session: Session?
        while true {
            let request: WorkerRequest
            do {
                request = try channel.receive(WorkerRequest.self)
            } catch .closed {
                return 0
            } catch {
                _ = try? channel.send(WorkerMessage.broken("the worker could not read a request: \(error)"))
                return 2
            }
            do {
                switch request {
                case .open(let definition, let events):
                    let log = RemoteLog(channel: channel, events: events)
                    let opened = try Session(definition: definition, log: log, modules: modules)
                    opened.load(logged: events)
                    var step = 0
                    while opened.nextLoggedInput != nil {
                        step += 1
                        try channel.send(WorkerMessage.stepping(step))
                        try opened.applyNextLogged()
                    }
                    session = opened
                    try channel.send(WorkerMessage.report(StepReport(opened, since: 0)))
                case .submit(let event):
                    guard let session else {
                        try channel.send(WorkerMessage.broken("an input came before the session was opened"))
                        return 2
                    }
                    let lines = session.transcript.lines.count
                    let measured = session.measures.count
                    do {
                        try session.submit(event)
                    } catch let error as SessionError {
                        try channel.send(WorkerMessage.refused(error.message, code: error.code))
                        continue
                    }
                    var report = StepReport(session, since: lines, measuresSince: measured)
                    report.touched = session.takeTouchedParticipants().map { $0.sorted() }
                    try channel.send(WorkerMessage.report(report))
                case .view(let kind):
                    guard let session else {
                        try channel.send(WorkerMessage.broken("a view was asked for before the session was opened"))
                        return 2
                    }
                    try channel.send(WorkerMessage.view(session.view(kind)))
                case .reply:
                    try channel.send(WorkerMessage.broken("an answer came that nothing asked for"))
                    return 2
                }
            } catch let error as LineChannel.Failure {
                if error == .closed { return 0 }
                return 2
            } catch let error as SessionError {
                _ = try? channel.send(WorkerMessage.broken(error.message))
                return 2
            } catch let error as ScriptError {
                _ = try? channel.send(WorkerMessage.broken(error.message))
                return 2
            } catch {
                _ = try? channel.send(WorkerMessage.broken("\(error)"))
                return 2
            }
        }
    }

    /// The worker leaves no core files, and dies with the host (a worker stuck in a loop
    /// would otherwise outlive it).
    static func limitThisProcess() {
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        setrlimit(Int32(RLIMIT_CORE.rawValue), &none)
        _ = kf_die_with_parent()
    }
}
