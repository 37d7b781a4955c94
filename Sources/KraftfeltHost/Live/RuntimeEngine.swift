import Foundation
import KraftfeltEngine
import KraftfeltLua
import KraftfeltStore

/// The engine a ``SessionRuntime`` drives: a `Session` in this process, or one in a
/// supervised worker process (``SessionWorker``). The runtime works the same with both:
/// it holds the session's log on the host's side, and the engine appends to it.
protocol RuntimeEngine: AnyObject {
    /// The session's log on the host's side (the runtime holds and commits it).
    var log: StoredSessionLog { get }
    var state: Session.State { get }
    /// Session time of the last event.
    var now: Int64 { get }
    var revision: Int { get }
    var nextDeadline: (timer: Int, at: Int64)? { get }
    var transcript: String { get }
    var exercises: [RanExercise] { get }
    var measures: [Measure] { get }
    /// What `s:follow_up` asked, once a script asked it.
    var followUp: FollowUpRequest? { get }
    /// What a watchdog in this process watches; nil for a worker (its host's watchdog
    /// times the worker's silence and kills it).
    var activity: Activity? { get }
    /// Checks an input, logs it and runs its step.
    /// - Throws: ``SessionError`` when the input does not fit (nothing logged), or
    ///   ``KraftfeltError`` when the engine cannot go on.
    func submit(_ event: SessionEvent) throws
    func view(_ kind: ViewKind) -> SessionView?
    /// The people whose phone views may have changed since the last call; nil for anyone's.
    func takeTouchedParticipants() -> Set<String>?
    /// Ends the engine (a worker's process); the session stays in its log.
    func close()
    /// False when the engine is gone (its worker died): the runtime loads the session
    /// again from its log.
    var isAlive: Bool { get }
}

/// How a runtime makes its engine: from the record, the host-side log, and the events to
/// replay (the log's, or the ones a step back keeps).
typealias EngineFactory = (SessionRecord, StoredSessionLog, [SessionEvent]) throws -> any RuntimeEngine

/// A session in this process.
final class InProcessEngine: RuntimeEngine {
    let session: Session
    let log: StoredSessionLog

    init(
        record: SessionRecord, log: StoredSessionLog, replaying events: [SessionEvent], modules: [HostModule],
        everyAnswer: Bool = false
    ) throws {
        self.log = log
        session = try Session(definition: record.definition, log: log, modules: modules)
        session.listsEveryAnswer = everyAnswer
        try session.replay(events)
    }

    var state: Session.State { session.state }
    var now: Int64 { session.now }
    var revision: Int { session.revision }
    var nextDeadline: (timer: Int, at: Int64)? { session.nextDeadline }
    var transcript: String { session.transcript.text }
    var exercises: [RanExercise] { session.exercises }
    var measures: [Measure] { session.measures }
    var followUp: FollowUpRequest? { session.followUp }
    var activity: Activity? { session.activity }
    func submit(_ event: SessionEvent) throws { try session.submit(event) }

    func view(_ kind: ViewKind) -> SessionView? { session.view(kind) }

    func takeTouchedParticipants() -> Set<String>? { session.takeTouchedParticipants() }

    func close() {}
    var isAlive: Bool { true }
}

/// A session in a supervised worker process: what no limit inside Lua can stop ends the
/// worker (killed by its watchdog), fails only this session with the stop logged, and
/// never reaches the host.
final class WorkerEngine: RuntimeEngine {
    let worker: SessionWorker

    init(
        record: SessionRecord, log: StoredSessionLog, replaying events: [SessionEvent],
        configuration: SessionWorker.Configuration
    ) throws {
        do {
            worker = try SessionWorker(record: record, log: log, replaying: events, configuration: configuration)
        } catch let error as WorkerError {
            throw KraftfeltError(.broken, error.message)
        }
    }

    var log: StoredSessionLog { worker.log }

    var state: Session.State {
        switch worker.report?.state ?? .notStarted {
        case .notStarted: .notStarted
        case .running: .running
        case .finished: .finished
        case .failed(let message): .failed(ScriptError(.runtime, message))
        }
    }

    var now: Int64 { worker.report?.now ?? 0 }
    var revision: Int { worker.report?.revision ?? 0 }
    var nextDeadline: (timer: Int, at: Int64)? { worker.report?.nextDeadline.map { ($0.timer, $0.at) } }
    var transcript: String { worker.transcript.isEmpty ? "" : worker.transcript.joined(separator: "\n") + "\n" }
    var exercises: [RanExercise] { worker.report?.exercises ?? [] }
    var measures: [Measure] { worker.measures }
    var followUp: FollowUpRequest? { worker.report?.followUp }
    var activity: Activity? { nil }

    func submit(_ event: SessionEvent) throws {
        do {
            let report = try worker.submit(event)
            if let some = report.touched {
                touched?.formUnion(some)
            } else {
                touched = nil
            }
        } catch let error as WorkerError {
            if let code = error.refusal { throw SessionError(error.message, code: code) }
            throw KraftfeltError(.broken, error.message)
        }
    }

    func view(_ kind: ViewKind) -> SessionView? { try? worker.view(kind) }

    /// Whose views the worker's reports since the last call said may have changed.
    private var touched: Set<String>? = []

    func takeTouchedParticipants() -> Set<String>? {
        defer { touched = [] }
        return touched
    }

    func close() { worker.close() }
    var isAlive: Bool { worker.isRunning }
}
